using System.Text;
using System.Text.Json;
using Cairn.Core.IO;

namespace Cairn.Workers.Usage;

/// <summary>
/// Usage over time, on the node's data directory: <c>history.jsonl</c> in its folder, one <see cref="UsageSample"/> a line,
/// oldest first, each line fsynced before the append returns. Bounded: every sample of the last
/// <see cref="UsageOptions.DetailedFor"/> is kept, older ones are thinned to the last of each UTC day, and those older than
/// <see cref="UsageOptions.DailyFor"/> dropped — at start and once a day after, by rewriting the file beside it and renaming
/// it over (readers with the old file open finish reading it). A line cut short by a crash is cut off at the next start.
/// </summary>
public sealed class UsageHistory
{
    public const string FileName = "history.jsonl";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly object gate = new();
    private readonly string folder;
    private readonly UsageOptions options;
    private DateTimeOffset nextThinning;

    public UsageHistory(string folder, UsageOptions options, DateTimeOffset now)
    {
        this.folder = folder;
        this.options = options;
        Directory.CreateDirectory(folder);
        CutTornTail();
        Thin(now);
    }

    public string Path => System.IO.Path.Combine(folder, FileName);

    /// <summary>Appends a sample durably (write, fsync); once a day, thins the file first.</summary>
    public void Append(UsageSample sample)
    {
        var line = JsonSerializer.SerializeToUtf8Bytes(sample, Json);
        lock (gate)
        {
            if (sample.At >= nextThinning) Thin(sample.At);
            var created = !File.Exists(Path);
            using (var file = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete))
            {
                file.Write(line);
                file.WriteByte((byte)'\n');
                file.Flush(flushToDisk: true);
            }
            if (created) DirectorySync.Sync(folder);
        }
    }

    /// <summary>The samples taken in [from, to] (either end open when null), oldest first, read from the file as it is now.</summary>
    public IEnumerable<UsageSample> Read(DateTimeOffset? from = null, DateTimeOffset? to = null)
    {
        foreach (var line in Lines())
            if (Parse(line) is { } sample && (from is null || sample.At >= from) && (to is null || sample.At <= to))
                yield return sample;
    }

    /// <summary>
    /// Keeps every sample from <paramref name="now"/> − detailed on, the last sample of each UTC day before it, nothing
    /// older than <paramref name="now"/> − daily. Streams: one sample is held back until the next shows its day is over.
    /// </summary>
    public static IEnumerable<T> Thin<T>(IEnumerable<T> oldestFirst, Func<T, DateTimeOffset> at, DateTimeOffset now, UsageOptions options)
    {
        var (detailedFrom, dailyFrom) = (now - options.DetailedFor, now - options.DailyFor);
        (T Sample, DateOnly Day)? held = null;
        foreach (var sample in oldestFirst)
        {
            var t = at(sample);
            if (t < dailyFrom) continue;
            var day = DateOnly.FromDateTime(t.UtcDateTime);
            if (held is { } h && (t >= detailedFrom || h.Day != day)) yield return h.Sample;
            held = null;
            if (t >= detailedFrom) yield return sample;
            else held = (sample, day);
        }
        if (held is { } last) yield return last.Sample;
    }

    private void Thin(DateTimeOffset now)
    {
        nextThinning = now + TimeSpan.FromDays(1);
        if (!File.Exists(Path)) return;
        var staging = Path + ".thinning";
        using (var file = new FileStream(staging, FileMode.Create, FileAccess.Write))
        {
            var kept = Thin(Lines().Select(l => (Line: l, At: Parse(l)?.At)).Where(l => l.At is not null), l => l.At!.Value, now, options);
            foreach (var (line, _) in kept)
            {
                file.Write(Encoding.UTF8.GetBytes(line));
                file.WriteByte((byte)'\n');
            }
            file.Flush(flushToDisk: true);
        }
        File.Move(staging, Path, overwrite: true);
        DirectorySync.Sync(folder);
    }

    private IEnumerable<string> Lines()
    {
        FileStream file;
        try
        {
            file = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (FileNotFoundException)
        {
            yield break;
        }
        using var reader = new StreamReader(file, Encoding.UTF8);
        while (reader.ReadLine() is { } line)
            if (line.Length > 0) yield return line;
    }

    private static UsageSample? Parse(string line)
    {
        try
        {
            return JsonSerializer.Deserialize<UsageSample>(line, Json);
        }
        catch (JsonException)
        {
            // A line being appended right now, read half-written: the next read sees it whole.
            return null;
        }
    }

    /// <summary>Cuts the file after its last newline: a crash mid-append leaves at most one partial line, never acknowledged.</summary>
    private void CutTornTail()
    {
        if (!File.Exists(Path)) return;
        using var file = new FileStream(Path, FileMode.Open, FileAccess.ReadWrite);
        var buffer = new byte[64 * 1024];
        for (var end = file.Length; end > 0;)
        {
            var start = Math.Max(0, end - buffer.Length);
            file.Position = start;
            file.ReadExactly(buffer, 0, (int)(end - start));
            var newline = Array.LastIndexOf(buffer, (byte)'\n', (int)(end - start - 1));
            if (newline >= 0)
            {
                if (start + newline + 1 == file.Length) return;
                file.SetLength(start + newline + 1);
                file.Flush(flushToDisk: true);
                return;
            }
            end = start;
        }
        file.SetLength(0);
        file.Flush(flushToDisk: true);
    }
}
