using System.Globalization;
using Cairn.Core.IO;
using DotNext.IO;
using DotNext.Net.Cluster.Consensus.Raft.StateMachine;

namespace Cairn.Consensus.Meta;

/// <summary>
/// The meta group's Raft snapshots: the whole <see cref="MetaState"/> (map, remembered outcomes, index) as
/// one JSON file <c>folder/{index}-{term}.json</c>, written under a temporary name, synced and renamed, so a
/// file that exists is whole. The latest is the snapshot DotNext sees (it cuts the log up to it and sends it
/// to a member that needs entries below the cut); older ones are deleted when DotNext reclaims garbage below
/// it. The state is small, so the latest snapshot's bytes are kept in memory to send.
/// </summary>
internal sealed class MetaSnapshots
{
    private const string Extension = ".json";
    private const string Staging = ".tmp";

    private readonly string folder;
    private volatile StateSnapshot? latest;

    private MetaSnapshots(string folder, StateSnapshot? latest)
    {
        this.folder = folder;
        this.latest = latest;
    }

    /// <summary>The snapshots under <paramref name="folder"/> and the state of the latest (the empty state before the first).</summary>
    public static MetaSnapshots Open(string folder, out MetaState state)
    {
        Directory.CreateDirectory(folder);
        foreach (var unfinished in Directory.EnumerateFiles(folder, "*" + Staging)) File.Delete(unfinished);
        (string Path, long Index)? newest = null;
        foreach (var path in Directory.EnumerateFiles(folder, "*" + Extension))
            if (ParseIndex(path) is { } index && (newest is null || index > newest.Value.Index))
                newest = (path, index);
        if (newest is not var (latestPath, latestIndex))
        {
            state = MetaState.Empty;
            return new MetaSnapshots(folder, null);
        }
        var bytes = File.ReadAllBytes(latestPath);
        state = MetaState.Decode(bytes);
        if (state.Index != latestIndex)
            throw new InvalidDataException($"The meta snapshot {latestPath} holds the state at index {state.Index}.");
        return new MetaSnapshots(folder, new StateSnapshot(bytes, state.Index, state.Term, File.GetLastWriteTimeUtc(latestPath)));
    }

    /// <summary>The latest snapshot, or null before the first.</summary>
    public ISnapshot? Latest => latest;

    public long LatestIndex => latest?.Index ?? 0;

    /// <summary>Writes <paramref name="state"/> as the latest snapshot.</summary>
    public void Take(MetaState state) => Write(state.Encode(), state.Index, state.Term);

    /// <summary>
    /// Reads a snapshot a leader sent for <paramref name="entry"/>'s index and keeps it as the latest: the state
    /// it holds. A snapshot that does not hold the state at that index is refused, and nothing is kept.
    /// </summary>
    public async Task<MetaState> ReceiveAsync(LogEntry entry, CancellationToken token)
    {
        using var received = new MemoryStream();
        await entry.WriteToAsync(received, 1 << 16, token).ConfigureAwait(false);
        var bytes = received.ToArray();
        var state = MetaState.Decode(bytes);
        if (state.Index != entry.Index || state.Term != entry.Term)
            throw new InvalidDataException($"The meta snapshot sent for index {entry.Index} (term {entry.Term}) holds index {state.Index} (term {state.Term}).");
        Write(bytes, state.Index, state.Term);
        return state;
    }

    /// <summary>Deletes the snapshots below <paramref name="watermark"/>, which DotNext will not read again; the latest stays.</summary>
    public void Reclaim(long watermark)
    {
        foreach (var path in Directory.EnumerateFiles(folder, "*" + Extension))
            if (ParseIndex(path) is { } index && index < watermark && index < LatestIndex)
                File.Delete(path);
    }

    private void Write(byte[] bytes, long index, long term)
    {
        var final = Path.Combine(folder, FormattableString.Invariant($"{index}-{term}{Extension}"));
        var staging = final + Staging;
        using (var file = new FileStream(staging, FileMode.Create, FileAccess.Write))
        {
            file.Write(bytes);
            file.Flush(flushToDisk: true);
        }
        File.Move(staging, final, overwrite: true);
        DirectorySync.Sync(folder);
        latest = new StateSnapshot(bytes, index, term, DateTimeOffset.UtcNow);
    }

    private static long? ParseIndex(string path) =>
        Path.GetFileNameWithoutExtension(path).Split('-') is [var index, var term]
        && long.TryParse(index, NumberStyles.None, CultureInfo.InvariantCulture, out var i)
        && long.TryParse(term, NumberStyles.None, CultureInfo.InvariantCulture, out _)
            ? i
            : null;

    /// <summary>One snapshot as DotNext sends it: the file's bytes, from memory.</summary>
    private sealed class StateSnapshot(byte[] bytes, long index, long term, DateTimeOffset timestamp) : ISnapshot
    {
        public long Index { get; } = index;

        public long Term { get; } = term;

        public DateTimeOffset Timestamp { get; } = timestamp;

        bool IDataTransferObject.IsReusable => true;

        long? IDataTransferObject.Length => bytes.Length;

        bool IDataTransferObject.TryGetMemory(out ReadOnlyMemory<byte> memory)
        {
            memory = bytes;
            return true;
        }

        public ValueTask WriteToAsync<TWriter>(TWriter writer, CancellationToken token)
            where TWriter : IAsyncBinaryWriter =>
            writer.WriteAsync(bytes, null, token);
    }
}
