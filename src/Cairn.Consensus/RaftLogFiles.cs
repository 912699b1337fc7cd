using DotNext.Net.Cluster.Consensus.Raft.StateMachine;

namespace Cairn.Consensus;

/// <summary>
/// Where and how a member's Raft write-ahead log is kept on disk. DotNext keeps entries in chunk files of
/// <see cref="WriteAheadLog.Options.ChunkSize"/> bytes, one memory page (4 KiB) by default: a log of 4 KiB PUTs
/// then maps, writes and fsyncs a new file for every entry or two, and a replication round of 16 such entries
/// took ≈ 40 ms on every member (3 members in one process, against ≈ 4 ms for 16 entries of 300 bytes). A new
/// log uses <see cref="NewLogChunkSize"/>. A log already on disk keeps the chunk size it was written with: DotNext
/// finds an entry's file from its offset and the chunk size, and does not record the size itself.
/// </summary>
internal static class RaftLogFiles
{
    public const int NewLogChunkSize = 1 << 20;

    /// <param name="newLogChunkSize">The chunk size if the log is new (tests write logs as older versions did).</param>
    public static WriteAheadLog.Options Options(string location, int newLogChunkSize = NewLogChunkSize) =>
        new() { Location = location, ChunkSize = ChunkSizeOf(location) ?? newLogChunkSize };

    /// <summary>The size of the log's existing chunk files (each file is one chunk); null for a log with none yet.</summary>
    internal static int? ChunkSizeOf(string location)
    {
        var chunks = new DirectoryInfo(Path.Combine(location, "data"));
        if (!chunks.Exists) return null;
        foreach (var chunk in chunks.EnumerateFiles())
            if (chunk.Length > 0) return checked((int)chunk.Length);
        return null;
    }
}
