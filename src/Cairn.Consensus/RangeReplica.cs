using System.Net;
using Cairn.Index.Apply;
using Cairn.Index.Shards;
using Cairn.Transport.Raft;
using DotNext.Net.Cluster.Consensus.Raft;
using DotNext.Net.Cluster.Consensus.Raft.StateMachine;
using Microsoft.Extensions.Logging;

namespace Cairn.Consensus;

/// <summary>
/// One member of a range group in this process: the range's RocksDB store (<see cref="RangeStore"/>, under
/// <c>folder</c>), its snapshots under <c>folder/snapshots</c>, its Raft write-ahead log under <c>folder/raft</c>,
/// and the Raft member: by default over DotNext's TCP transport, one port per group, where a member's address is
/// its Raft port; with a <see cref="RaftMux"/>, over the node's cluster port shared by every group, where a
/// member's address is its node's cluster address. Started again from the same folder it tells the log
/// about its latest snapshot, replays the log above what its store has applied and rejoins the group.
/// With <see cref="RangeForwarding"/> its shard forwards a follower's commands to the leader; the process
/// serves the other members' forwarded commands with <see cref="RangeGroupEndpoints.MapRangeGroups"/>.
/// </summary>
public sealed class RangeReplica : IAsyncDisposable
{
    private readonly RangeStore store;
    private readonly WriteAheadLog log;
    private readonly RaftCluster cluster;
    private readonly RangeStateMachine stateMachine;

    private readonly bool muxed;
    private readonly TimeSpan electionTimeout;
    private volatile bool stopping;
    private long leaderChanges;

    private RangeReplica(RangeGroup group, IPEndPoint address, RangeStore store, RangeStateMachine stateMachine, WriteAheadLog log,
        RaftCluster cluster, AppliedCommands<CommandOutcome> applied, RangeForwarding? forwarding, RangeReplicaOptions options, bool muxed)
    {
        this.muxed = muxed;
        electionTimeout = TimeSpan.FromMilliseconds(options.UpperElectionTimeoutMs);
        Group = group;
        Address = address;
        this.store = store;
        this.stateMachine = stateMachine;
        this.log = log;
        this.cluster = cluster;
        Shard = new ReplicatedIndexShard(group.Id, cluster, store, applied, forwarding, options);
        cluster.LeaderChanged += (_, leader) => { if (leader is not null) Interlocked.Increment(ref leaderChanges); };
    }

    /// <summary>How many times this member saw a new leader elected since it started.</summary>
    public long LeaderChanges => Interlocked.Read(ref leaderChanges);

    /// <summary>The index of the last log entry this member knows committed (a follower learns it from the leader).</summary>
    public long CommitIndex => log.LastCommittedEntryIndex;

    public RangeGroup Group { get; }
    public IPEndPoint Address { get; }
    public ReplicatedIndexShard Shard { get; }

    /// <summary>The index of the last log entry applied to this replica's store.</summary>
    public long AppliedIndex => stateMachine.AppliedIndex;

    /// <summary>The index of this member's latest snapshot (0 before the first): its log may be cut up to it.</summary>
    public long SnapshotIndex => ((ISnapshotManager)stateMachine).Snapshot?.Index ?? 0;

    /// <summary>How many snapshots from a leader this member installed since it started (catching up past a cut log).</summary>
    public int InstalledSnapshots => stateMachine.InstalledSnapshots;

    /// <summary>The key points this replica's store owns now.</summary>
    public ShardSpan Span => stateMachine.Span;

    /// <summary>RocksDB's estimate of the keys in this replica's store: what decides a split by size.</summary>
    public long EstimatedKeys => store.Current.EstimatedKeys;

    /// <summary>The commands this replica applied lately and the keys they wrote (every member applies the same ones).</summary>
    public RangeLoad Load => stateMachine.Load;

    /// <summary>How many keys of this replica's span hold a current version, counted no further than <paramref name="atMost"/>.</summary>
    public long Objects(long atMost)
    {
        using var snapshot = store.OpenSnapshot();
        return ShardMerge.Objects(snapshot, ShardSpan.Read(snapshot), atMost);
    }

    /// <summary>A split point giving each half about as many objects; null when the range is too small to split.</summary>
    public (long Objects, string Bucket, string Key)? MiddleKey()
    {
        using var snapshot = store.OpenSnapshot();
        return ShardSplit.MiddleKey(snapshot, ShardSpan.Read(snapshot));
    }

    /// <summary>Gives up leading (the members elect another leader); false when this member did not lead.</summary>
    public ValueTask<bool> ResignAsync(CancellationToken cancellationToken) => ((DotNext.Net.Cluster.ICluster)cluster).ResignAsync(cancellationToken);

    /// <summary>
    /// Gives up leading and stands for no election for four election timeouts, so another member takes the range: after a
    /// bare resignation the resigned member won its range straight back, resignation after resignation (a full test run
    /// saw 18 in 90 s), its fresh leadership turning the others' pre-votes away. It still votes and replicates meanwhile;
    /// should no other member win, it stands again afterwards. False when this member did not lead.
    /// </summary>
    public async Task<bool> StepAsideAsync(CancellationToken cancellationToken)
    {
        if (!await ResignAsync(cancellationToken).ConfigureAwait(false)) return false;
        if (!await cluster.EnableStandbyModeAsync(cancellationToken).ConfigureAwait(false)) return true;
        try
        {
            await Task.Delay(4 * electionTimeout, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            try
            {
                // A member being stopped stays in standby (DisposeAsync): stepping aside must not undo that.
                if (!stopping) await cluster.RevertToNormalModeAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
                // The replica stopped meanwhile (its range moved away, or the node is stopping).
            }
        }
        return true;
    }

    public bool IsLeader => !cluster.LeadershipToken.IsCancellationRequested;

    /// <summary>Whether this member is in the group's configuration as it knows it (a joining member is not, until the leader adds it).</summary>
    public bool IsMember => RaftMember.Has(cluster, Address);

    /// <summary>Whether the group, as this member knows it, has a member on <paramref name="node"/>.</summary>
    public bool HasMember(IPEndPoint node) => RaftMember.Has(cluster, node);

    /// <summary>Adds the member on <paramref name="node"/> to the group; this member must lead (see <see cref="RaftMember.AddAsync"/>).</summary>
    public Task<bool> AddMemberAsync(IPEndPoint node, CancellationToken cancellationToken) => RaftMember.AddAsync(cluster, Group.Id, node, muxed, cancellationToken);

    /// <summary>Removes the member on <paramref name="node"/> from the group; this member must lead (see <see cref="RaftMember.RemoveAsync"/>).</summary>
    public Task<bool> RemoveMemberAsync(IPEndPoint node, CancellationToken cancellationToken) => RaftMember.RemoveAsync(cluster, Group.Id, node, muxed, cancellationToken);

    /// <summary>
    /// A RocksDB checkpoint of this replica's store as it stands (its applied index with it), as a tar stream of its files:
    /// what a joining node starts its replica from.
    /// </summary>
    public Task WriteCheckpointAsync(Stream destination, CancellationToken cancellationToken) => store.WriteCheckpointAsync(destination, cancellationToken);

    /// <summary>The Raft term this member is in.</summary>
    public long Term => cluster.Term;

    /// <summary>The leader this member sees, if any, as listed in <see cref="RangeGroup.Members"/>.</summary>
    public EndPoint? Leader => RaftEndPoints.NodeOf(cluster.Leader?.EndPoint);

    /// <summary>
    /// Starts this process's member of <paramref name="group"/>, at <paramref name="address"/> (one of the group's
    /// members). Without <paramref name="mux"/> it listens on that address itself (TCP); with it, that address is
    /// this node's cluster listener, which <paramref name="mux"/> must be installed on.
    /// </summary>
    public static async Task<RangeReplica> StartAsync(RangeGroup group, IPEndPoint address, string folder, ShardStateMachine machine,
        RangeReplicaOptions options, RangeForwarding? forwarding = null, ILoggerFactory? logging = null, RaftMux? mux = null,
        Func<string, RangeReplica?>? siblings = null, CancellationToken cancellationToken = default)
    {
        var store = RangeStore.Open(folder);
        var applied = new AppliedCommands<CommandOutcome>();
        // The snapshot must be known before the log is constructed: it reads it once, to know where replay starts.
        var snapshots = RangeSnapshots.Open(Path.Combine(folder, "snapshots"), RangeStateMachine.ReadAppliedIndex(store.Current));
        var stateMachine = new RangeStateMachine(store, snapshots, machine, applied, options.SnapshotInterval, options.InstallProbe)
        {
            NewRangeFolder = name => Path.Combine(Path.GetDirectoryName(Path.GetFullPath(folder))!, name),
            Siblings = siblings,
        };
        WriteAheadLog log;
        RaftCluster cluster;
        try
        {
            (log, cluster) = await RaftMember.StartAsync(group, address, folder, stateMachine, options, logging, mux, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            store.Dispose();
            throw;
        }
        return new RangeReplica(group, address, store, stateMachine, log, cluster, applied, forwarding, options, mux is not null);
    }

    /// <summary>Waits until the group has a leader this member sees, and returns its address.</summary>
    public async Task<EndPoint> WaitForLeaderAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var leader = await cluster.WaitForLeaderAsync(timeout, cancellationToken).ConfigureAwait(false);
        return leader.EndPoint;
    }

    public async ValueTask DisposeAsync()
    {
        // Standby first: StopAsync closes the server before it leaves the follower state and waits (up to the
        // request timeout) for open connections to drain, and meanwhile the election timer runs with no
        // heartbeat coming in; a member being stopped must not stand for election (see AggressiveLeaderStickiness).
        stopping = true;
        await cluster.EnableStandbyModeAsync(CancellationToken.None).ConfigureAwait(false);
        await cluster.StopAsync(CancellationToken.None).ConfigureAwait(false);
        cluster.Dispose();
        await log.DisposeAsync().ConfigureAwait(false);
        store.Dispose();
    }
}
