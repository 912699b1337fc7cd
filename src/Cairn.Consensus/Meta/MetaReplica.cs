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
    private readonly MetaMirror? mirror;
    private readonly string? nodeId;
    private readonly CancellationTokenSource stopping = new();
    private readonly Task following;

    private MetaReplica(RangeGroup group, IPEndPoint address, MetaGroupStateMachine machine, WriteAheadLog log, RaftCluster cluster,
        AppliedCommands<MetaOutcome> applied, RangeForwarding? forwarding, bool muxed, string? nodeId)
    {
        this.nodeId = nodeId;
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
        if (forwarding is not null && nodeId is not null)
        {
            // Members to ask: those of the newest map known, else the members this replica was started with.
            mirror = new MetaMirror(group.Id, forwarding, () => MembersOf(Current) is { Count: > 0 } known ? known : group.Members.Where(m => !m.Equals(address)).ToArray<EndPoint>());
            following = FollowAsync(stopping.Token);
        }
        else following = Task.CompletedTask;
    }

    public RangeGroup Group { get; }
    public IPEndPoint Address { get; }

    /// <summary>
    /// The map as this node knows it: its replica's, or, when the map fetched from a member is newer (this node is not a
    /// member of the group, or has just been removed from it), that one. One read, no I/O; may lag the leader (see
    /// <see cref="ReadAsync"/>).
    /// </summary>
    public ClusterMap Current => Newest.Map;

    /// <summary>The index of the last log entry reflected in <see cref="Current"/>.</summary>
    public long AppliedIndex => Newest.Index;

    private IndexedMap Newest
    {
        get
        {
            var applied = machine.State;
            return mirror?.Latest is { } fetched && fetched.Index > applied.Index ? fetched : new IndexedMap(applied.Index, applied.Map);
        }
    }

    /// <summary>
    /// This node is outside the group as the newest map it knows records it (joined beyond the group's five members,
    /// not admitted yet, or removed): its replica applies nothing, so the map, reads and commands go through a member.
    /// A map that records no members (before the bootstrap) leaves every replica to its own group.
    /// </summary>
    public bool Following => mirror is not null && Current is { MetaMembers.Count: > 0 } map && !map.MetaMembers.Contains(nodeId!);

    private static IReadOnlyList<IPEndPoint> MembersOf(ClusterMap map) =>
        map.MetaMembers.Select(map.Node).OfType<ClusterNode>().Select(n => IPEndPoint.TryParse(n.ClusterAddress, out var e) ? e : null).OfType<IPEndPoint>().ToArray();

    /// <summary>
    /// Keeps the fetched map fresh while this node follows, or while its replica sees no leader (a member removed from
    /// the group hears from no leader again, and learns of its removal only this way): each fetch is held by the member
    /// until an entry past the newest one known is applied, and fetches start at most once per
    /// <see cref="MetaMirror.FollowInterval"/> (a command or a read of the map fetches at once).
    /// </summary>
    private async Task FollowAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var started = time.GetTimestamp();
                if (Following || cluster.Leader is null) await mirror!.FetchAsync(AppliedIndex, cancellationToken).ConfigureAwait(false);
                // At most one fetch a second: each carries the whole map, and every heartbeat of every node is a new one.
                var pause = MetaMirror.FollowInterval - time.GetElapsedTime(started);
                if (pause > TimeSpan.Zero) await Task.Delay(pause, time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                // No member answered (they may be electing, or restarting): the next attempt a second later.
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

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
        RangeForwarding? forwarding = null, ILoggerFactory? logging = null, RaftMux? mux = null, CancellationToken cancellationToken = default,
        string? nodeId = null)
    {
        var applied = new AppliedCommands<MetaOutcome>();
        // The snapshot must be known before the log is constructed: it reads it once, to know where replay starts.
        var snapshots = MetaSnapshots.Open(Path.Combine(folder, "snapshots"), out var restored);
        var machine = new MetaGroupStateMachine(snapshots, restored, applied, options.SnapshotInterval);
        var (log, cluster) = await RaftMember.StartAsync(group, address, folder, machine, options, logging, mux, cancellationToken).ConfigureAwait(false);
        return new MetaReplica(group, address, machine, log, cluster, applied, forwarding, mux is not null, nodeId);
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
        if (Following) return await ExecuteThroughMemberAsync(command, cancellationToken).ConfigureAwait(false);
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

    /// <summary>A command from a node outside the group: through a member to the leader, then the map once fetched past its entry.</summary>
    private async Task<ClusterMap> ExecuteThroughMemberAsync(MetaCommand command, CancellationToken cancellationToken)
    {
        var outcome = await mirror!.ExecuteAsync(command.RequestId!, MetaCodec.Encode(command), cancellationToken).ConfigureAwait(false);
        outcome.ThrowIfRefused();
        while (AppliedIndex < outcome.Index) await mirror.FetchAsync(outcome.Index - 1, cancellationToken).ConfigureAwait(false);
        return Current;
    }

    /// <summary>
    /// A node outside the group asks for the map (<see cref="MetaMirror"/>): past this member's read barrier, and once it
    /// applied an entry past <paramref name="after"/> or <see cref="MetaMirror.HoldFor"/> passed, the index and the map.
    /// A replica outside the group itself serves none (not leader, naming no one: the caller asks another member).
    /// </summary>
    internal async Task<byte[]> ServeMapAsync(long after, CancellationToken cancellationToken)
    {
        if (Following) throw new NotLeaderException(Group.Id, null);
        await commands.ReadBarrierAsync(cancellationToken).ConfigureAwait(false);
        using var hold = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        hold.CancelAfter(MetaMirror.HoldFor);
        try
        {
            await machine.WaitForAppliedAsync(after + 1, hold.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }
        var state = machine.State;
        var map = MetaCodec.Encode(state.Map);
        var answer = new byte[8 + map.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(answer, state.Index);
        map.CopyTo(answer, 8);
        return answer;
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
        if (Following) await mirror!.FetchAsync(-1, cancellationToken).ConfigureAwait(false);
        else await commands.ReadBarrierAsync(cancellationToken).ConfigureAwait(false);
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
            var fetched = mirror?.Changed ?? Task.Delay(Timeout.Infinite, cancellationToken);
            var map = Current;
            if (!ReferenceEquals(map, seen))
            {
                seen = map;
                yield return map;
                continue;
            }
            if (machine.Stopped) yield break;
            await Task.WhenAny(next, fetched).WaitAsync(cancellationToken).ConfigureAwait(false);
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
        await stopping.CancelAsync().ConfigureAwait(false);
        await following.ConfigureAwait(false);
        // Standby first, as a range replica does: a member being stopped must not stand for election.
        await cluster.EnableStandbyModeAsync(CancellationToken.None).ConfigureAwait(false);
        await cluster.StopAsync(CancellationToken.None).ConfigureAwait(false);
        cluster.Dispose();
        await log.DisposeAsync().ConfigureAwait(false);
        machine.Stop();
    }
}
