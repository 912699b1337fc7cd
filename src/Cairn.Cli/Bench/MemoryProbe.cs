namespace Cairn.Cli.Bench;

/// <summary>
/// Samples another process's resident set size (VmRSS in /proc/PID/status) every 100 ms and keeps the
/// maximum over the whole run and over the current phase.
/// </summary>
public sealed class MemoryProbe : IAsyncDisposable
{
    private readonly string statusPath;
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;
    private long max;
    private long phaseMax;
    private int samples;

    private MemoryProbe(int pid)
    {
        Pid = pid;
        statusPath = $"/proc/{pid}/status";
        Sample();
        loop = Task.Run(RunAsync);
    }

    public int Pid { get; }
    public long MaxRssBytes => Interlocked.Read(ref max);
    public int Samples => Volatile.Read(ref samples);

    /// <summary>The kernel's own high-water mark (VmHWM) for the process's whole life, as a cross-check of the sampling.</summary>
    public long? PeakRssBytes => ReadField("VmHWM:");

    public static MemoryProbe Start(int pid) =>
        File.Exists($"/proc/{pid}/status") ? new MemoryProbe(pid) : throw new ArgumentException($"no process {pid} (/proc/{pid}/status not found)");

    public void BeginPhase() => Interlocked.Exchange(ref phaseMax, ReadField("VmRSS:") ?? 0);

    public long EndPhase()
    {
        Sample();
        return Interlocked.Read(ref phaseMax);
    }

    private async Task RunAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        try
        {
            while (await timer.WaitForNextTickAsync(stop.Token).ConfigureAwait(false)) Sample();
        }
        catch (OperationCanceledException) { }
    }

    private void Sample()
    {
        if (ReadField("VmRSS:") is not { } rss) return;
        Interlocked.Increment(ref samples);
        Raise(ref max, rss);
        Raise(ref phaseMax, rss);
    }

    private static void Raise(ref long target, long value)
    {
        long seen;
        while (value > (seen = Interlocked.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen) { }
    }

    private long? ReadField(string field)
    {
        try
        {
            foreach (var line in File.ReadLines(statusPath))
                if (line.StartsWith(field, StringComparison.Ordinal))
                {
                    var kb = line.AsSpan(field.Length).Trim();
                    if (kb.EndsWith(" kB")) kb = kb[..^3];
                    return long.TryParse(kb, out var v) ? v * 1024 : null;
                }
        }
        catch (IOException) { } // the process has exited
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        stop.Cancel();
        await loop.ConfigureAwait(false);
        stop.Dispose();
    }
}
