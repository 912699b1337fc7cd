using System.Net;

namespace Cairn.Consensus;

/// <summary>
/// One Raft group's replica set (a range's, or the meta group's): the group's id and each member's address — its own Raft port over TCP, or, with a
/// <see cref="Cairn.Transport.Raft.RaftMux"/>, its node's cluster address (the port every group of the node shares).
/// </summary>
public sealed record RangeGroup(string Id, IReadOnlyList<IPEndPoint> Members)
{
    /// <summary>
    /// This process's member joins the running group (its node was just admitted): it is listed among
    /// <see cref="Members"/> with the group's current members, but they do not count it until their leader adds it.
    /// </summary>
    public bool Joining { get; init; }
}

/// <summary>How a replica runs its Raft member: election timeouts, the bound on every Raft RPC, the snapshot policy.</summary>
public sealed record RangeReplicaOptions
{
    public int LowerElectionTimeoutMs { get; init; } = 250;
    public int UpperElectionTimeoutMs { get; init; } = 500;

    /// <summary>Every RPC, InstallSnapshot included, is bounded by this (DotNext defaults to the lower election timeout).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A snapshot (a RocksDB checkpoint) is taken every this many applied entries; the log is then cut up to the
    /// one before it, so it always holds at least this many entries past the cut: a member less far behind catches
    /// up from the log, and only one further behind is sent a snapshot (<see cref="RangeSnapshots"/>).
    /// </summary>
    public long SnapshotInterval { get; init; } = 10_000;

    /// <summary>
    /// A range leader gathers the commands that arrive while its previous log entry commits into one entry
    /// (<see cref="CommandBatcher"/>), at most this many of them...
    /// </summary>
    public int MaxBatchCommands { get; init; } = 256;

    /// <summary>...and at most this many bytes of encoded commands (a larger command goes alone).</summary>
    public int MaxBatchBytes { get; init; } = 1 << 20;

    /// <summary>Tests only: the chunk size of a new Raft log (<see cref="RaftLogFiles"/>), to write one as older versions did.</summary>
    internal int NewLogChunkSize { get; init; } = RaftLogFiles.NewLogChunkSize;

    /// <summary>Tests only: awaited before a range leader appends a batch (with its command count), to hold it or record it.</summary>
    internal Func<int, Task>? BatchProbe { get; init; }

    /// <summary>Tests only: called on the apply path after each step of a snapshot install (and its index), to take a crash image there.</summary>
    internal Action<InstallStep, long>? InstallProbe { get; init; }
}
