using Cairn.Transport.Raft;
using System.Net;
using System.Runtime.CompilerServices;
using Cairn.Cluster.Map;
using Cairn.Cluster.Meta;
using DotNext.Net.Cluster.Consensus.Raft;
using DotNext.Net.Cluster.Consensus.Raft.StateMachine;
using Microsoft.Extensions.Logging;

namespace Cairn.Consensus.Meta;

/// <summary>
/// This process's member of the meta group, the Raft group that replicates the <see cref="ClusterMap"/>: its
/// snapshots under <c>folder/snapshots</c>, its write-ahead log under <c>folder/raft</c>, the Raft member
/// itself (<see cref="RaftMember"/>). Any member takes any command (<see cref="ExecuteAsync"/>): the leader
/// runs it through the log, a follower forwards it to the leader's cluster endpoint
/// (<see cref="MetaGroupEndpoints.MapMetaGroup"/>) and retries with the same request id, which the apply
/// answers with its first outcome. Started again from the same folder it restores its latest snapshot,
/// replays the log above it and rejoins the group.
/// </summary>
public sealed class MetaReplica : IAsyncDisposable
{
    private readonly WriteAheadLog log;
    private readonly RaftCluster cluster;
    private readonly MetaGroupStateMachine machine;
    private readonly GroupCommands<MetaOutcome> commands;
    private readonly RangeForwardingOptions patience;
    private readonly TimeProvider time;
    private int disposed;
    private readonly bool muxed;

    private MetaReplica(RangeGroup group, IPEndPoint address, MetaGroupStateMachine machine, WriteAheadLog log, RaftCluster cluster,
        AppliedCommands<MetaOutcome> applied, RangeForwarding? forwarding, bool muxed)
    {
        this.muxed = muxed;
        Group = group;
        Address = address;
        this.machine = machine;
        this.log = log;
        this.cluster = cluster;
        commands = new GroupCommands<MetaOutcome>(group.Id, cluster, applied, new OneEntryPerCommand(cluster), forwarding, MetaRoutes.Commands(group.Id), MetaRoutes.ReadIndex(group.Id), MetaOutcome.Decode);
        // Waits that are not forwarding (a read barrier during an election, this member's own apply) are bounded alike.
        patience = forwarding?.Options ?? new RangeForwardingOptions();
        time = forwarding?.Time ?? TimeProvider.System;
    }

    public RangeGroup Group { get; }
    public IPEndPoint Address { get; }

    /// <summary>The map as this replica has applied it: one read, no I/O; may lag the leader (see <see cref="ReadAsync"/>).</summary>
    public ClusterMap Current => machine.State.Map;

    /// <summary>The index of the last log entry applied to <see cref="Current"/>.</summary>
    public long AppliedIndex => machine.State.Index;

    /// <summary>The index of this member's latest snapshot (0 before the first).</summary>
    public long SnapshotIndex => ((ISnapshotManager)machine).Snapshot?.Index ?? 0;

    /// <summary>How many snapshots from a leader this member installed since it started (catching up past a cut log).</summary>
    public int InstalledSnapshots => machine.InstalledSnapshots;

    public bool IsLeader => !cluster.LeadershipToken.IsCancellationRequested;

    /// <summary>Gives up the leadership (DotNext has no transfer): the members elect another.</summary>
    public ValueTask<bool> ResignAsync(CancellationToken cancellationToken) => ((DotNext.Net.Cluster.ICluster)cluster).ResignAsync(cancellationToken);

    /// <summary>Whether the group, as this member knows it, has a member on <paramref name="node"/>.</summary>
    public bool HasMember(IPEndPoint node) => RaftMember.Has(cluster, node);

    /// <summary>Adds the member on <paramref name="node"/> to the group; this member must lead (see <see cref="RaftMember.AddAsync"/>).</summary>
    public Task<bool> AddMemberAsync(IPEndPoint node, CancellationToken cancellationToken) => RaftMember.AddAsync(cluster, Group.Id, node, muxed, cancellationToken);

    /// <summary>Removes the member on <paramref name="node"/> from the group; this member must lead (see <see cref="RaftMember.RemoveAsync"/>).</summary>
    public Task<bool> RemoveMemberAsync(IPEndPoint node, CancellationToken cancellationToken) => RaftMember.RemoveAsync(cluster, Group.Id, node, muxed, cancellationToken);

    /// <summary>
    /// The map held by the latest snapshot in <paramref name="folder"/> (the empty map without one): read before the member
    /// starts, to build the group's members from the map's record.
    /// </summary>
    public static ClusterMap SnapshotMap(string folder)
    {
        if (!Directory.Exists(Path.Combine(folder, "snapshots"))) return ClusterMap.Empty;
        MetaSnapshots.Open(Path.Combine(folder, "snapshots"), out var restored);
        return restored.Map;
    }

    /// <summary>The leader this member sees, if any.</summary>
    public EndPoint? Leader => RaftEndPoints.NodeOf(cluster.Leader?.EndPoint);

    public static async Task<MetaReplica> StartAsync(RangeGroup group, IPEndPoint address, string folder, RangeReplicaOptions options,
        RangeForwarding? forwarding = null, ILoggerFactory? logging = null, RaftMux? mux = null, CancellationToken cancellationToken = default)
    {
        var applied = new AppliedCommands<MetaOutcome>();
        // The snapshot must be known before the log is constructed: it reads it once, to know where replay starts.
        var snapshots = MetaSnapshots.Open(Path.Combine(folder, "snapshots"), out var restored);
        var machine = new MetaGroupStateMachine(snapshots, restored, applied, options.SnapshotInterval);
        var (log, cluster) = await RaftMember.StartAsync(group, address, folder, machine, options, logging, mux, cancellationToken).ConfigureAwait(false);
        return new MetaReplica(group, address, machine, log, cluster, applied, forwarding, mux is not null);
    }

    /// <summary>
    /// Runs a meta command through the group and returns the map as this replica holds it once it has applied
    /// the command (so <see cref="Current"/> includes it from then on). A refusal throws the apply's
    /// <see cref="MetaCommandException"/>, and the map is unchanged. A command without a request id gets one;
    /// an issuer that may retry names its own: a retry of an applied request id gets its first outcome and is
    /// not applied again. Throws <see cref="CommandOutcomeUnknownException"/> when no leader answered within the
    /// forwarding deadline (retry with the same request id), <see cref="NotLeaderException"/> on a follower
    /// started without forwarding.
    /// </summary>
    public async Task<ClusterMap> ExecuteAsync(MetaCommand command, CancellationToken cancellationToken = default)
    {
        if (command.RequestId is null) command = command with { RequestId = Guid.NewGuid().ToString("N") };
        var outcome = await commands.ExecuteAsync(command.RequestId!, MetaCodec.Encode(command), cancellationToken).ConfigureAwait(false);
        outcome.ThrowIfRefused();
        // The leader applied it; this member (a follower, if it forwarded) applies it moments later.
        using var deadline = new CancellationTokenSource(patience.Deadline, time);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        try
        {
            await machine.WaitForAppliedAsync(outcome.Index, bounded.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"Request {command.RequestId} was applied at index {outcome.Index}; this member has applied only up to {AppliedIndex}.");
        }
        return Current;
    }

    /// <summary>Runs a command that has a request id through this member, which must lead.</summary>
    internal Task<MetaOutcome> LeadAsync(MetaCommand command, CancellationToken cancellationToken) =>
        commands.LeadAsync(command.RequestId ?? throw new ArgumentException("The command has no request id.", nameof(command)),
            MetaCodec.Encode(command), cancellationToken);

    /// <summary>
    /// The map after the Raft read barrier: it includes every command acknowledged anywhere before the call.
    /// On the leader the barrier is confirmed with a quorum; a follower takes the leader's commit index, which
    /// a deposed leader that does not know it yet could still give. While the group has no leader (an
    /// election) the barrier is retried until the forwarding deadline, then <see cref="QuorumUnreachableException"/>
    /// (or <see cref="TimeoutException"/> when a barrier itself did not complete by then).
    /// </summary>
    /// <summary>The leader's half of a follower's read barrier (served on the cluster port).</summary>
    internal Task<long> LeadReadIndexAsync(CancellationToken cancellationToken) => commands.LeadReadIndexAsync(cancellationToken);

    public async Task<ClusterMap> ReadAsync(CancellationToken cancellationToken = default)
    {
        await commands.ReadBarrierAsync(cancellationToken).ConfigureAwait(false);
        return Current;
    }

    /// <summary>
    /// The map now, then each map this replica applies after it, until the replica stops or the token is
    /// cancelled (which throws). A slow reader skips intermediate maps and gets the latest: react to the
    /// state, not to each step. Commands that change nothing (refusals, retries) yield nothing.
    /// </summary>
    public async IAsyncEnumerable<ClusterMap> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ClusterMap? seen = null;
        while (true)
        {
            var next = machine.NextApply;
            var map = Current;
            if (!ReferenceEquals(map, seen))
            {
                seen = map;
                yield return map;
                continue;
            }
            if (machine.Stopped) yield break;
            await next.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Waits until the group has a leader this member sees, and returns its address.</summary>
    public async Task<EndPoint> WaitForLeaderAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var leader = await cluster.WaitForLeaderAsync(timeout, cancellationToken).ConfigureAwait(false);
        return leader.EndPoint;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0) return;
        // Standby first, as a range replica does: a member being stopped must not stand for election.
        await cluster.EnableStandbyModeAsync(CancellationToken.None).ConfigureAwait(false);
        await cluster.StopAsync(CancellationToken.None).ConfigureAwait(false);
        cluster.Dispose();
        await log.DisposeAsync().ConfigureAwait(false);
        machine.Stop();
    }
}
