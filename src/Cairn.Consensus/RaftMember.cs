using System.Net;
using DotNext.Net.Cluster.Consensus.Raft;
using DotNext.Net.Cluster.Consensus.Raft.Membership;
using DotNext.Net.Cluster.Consensus.Raft.StateMachine;
using Cairn.Transport.Raft;
using Microsoft.Extensions.Logging;

namespace Cairn.Consensus;

/// <summary>
/// The one place a Raft member of any group (a range group, the meta group) is constructed, so the
/// transport — TCP with one port per group today — changes here for every group at once.
/// </summary>
internal static class RaftMember
{
    /// <summary>
    /// A member at <paramref name="address"/> of <paramref name="group"/>, logging to <paramref name="log"/>; not started.
    /// Without <paramref name="mux"/> it listens on <paramref name="address"/> itself (TCP, one port per group); with it,
    /// the addresses are the nodes' cluster listeners, which every group of a node shares.
    /// </summary>
    public static RaftCluster Create(RangeGroup group, IPEndPoint address, RangeReplicaOptions options, WriteAheadLog log, ILoggerFactory? logging,
        RaftMux? mux = null)
    {
        var configuration = Configure(group.Id, address, options, new RaftLogFilter(logging ?? RaftLogFilter.Silent), mux, coldStart: !group.Joining);
        // Every member starts knowing the group as the cluster map records it; the leader adds a new member with
        // AddMemberAsync and tells the others. A joining member lists itself too, so it starts as a follower that takes
        // the leader's entries; it cannot be elected before the others count it, as they refuse the votes of a member
        // they do not know.
        var members = ((InMemoryClusterConfigurationStorage<EndPoint>)configuration.ConfigurationStorage!).CreateInitialConfigurationBuilder();
        foreach (var member in group.Members) members.Add(mux is null ? member : RaftEndPoints.Of(member, group.Id));
        members.Build();
        return new RaftCluster(configuration) { AuditTrail = log };
    }

    /// <summary>
    /// Adds the member of <paramref name="group"/> on <paramref name="node"/> to the group, from its leader: DotNext first
    /// replicates the log to it (warm-up rounds; a snapshot if the log was cut), then commits the new configuration,
    /// which it sends the other members. True at once when the group already has it (a retry after the map's record
    /// failed); false when it did not catch up (not started yet, unreachable): try again later.
    /// </summary>
    public static async Task<bool> AddAsync(RaftCluster cluster, string group, IPEndPoint node, bool muxed, CancellationToken cancellationToken)
    {
        if (Has(cluster, node)) return true;
        return await cluster.AddMemberAsync(muxed ? RaftEndPoints.Of(node, group) : node, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Removes the member of <paramref name="group"/> on <paramref name="node"/> from the group, from its leader: DotNext
    /// commits the configuration without it. True at once when the group no longer has it (a retry after the map's
    /// record failed); false when the configuration could not be committed: try again later.
    /// </summary>
    public static async Task<bool> RemoveAsync(RaftCluster cluster, string group, IPEndPoint node, bool muxed, CancellationToken cancellationToken)
    {
        if (!Has(cluster, node)) return true;
        return await cluster.RemoveMemberAsync(muxed ? RaftEndPoints.Of(node, group) : node, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether the group's configuration, as this member knows it, has the member on <paramref name="node"/>.</summary>
    public static bool Has(RaftCluster cluster, IPEndPoint node) =>
        cluster.Members.Any(m => RaftEndPoints.NodeOf(m.EndPoint) is IPEndPoint e && e.Equals(node));

    /// <summary>
    /// Creates the member over a new write-ahead log under <c>folder/raft</c> for <paramref name="stateMachine"/> and starts
    /// it; on failure nothing is left open (the caller disposes what it opened before).
    /// </summary>
    public static async Task<(WriteAheadLog Log, RaftCluster Cluster)> StartAsync(RangeGroup group, IPEndPoint address, string folder, IStateMachine stateMachine,
        RangeReplicaOptions options, ILoggerFactory? logging, RaftMux? mux, CancellationToken cancellationToken)
    {
        var log = new WriteAheadLog(RaftLogFiles.Options(Path.Combine(folder, "raft"), options.NewLogChunkSize), stateMachine);
        var cluster = Create(group, address, options, log, logging, mux);
        try
        {
            await cluster.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            cluster.Dispose();
            await log.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return (log, cluster);
    }

    /// <summary>
    /// The Raft member's settings over TCP or over the mux. DotNext's settings are init-only, hence one initializer
    /// per transport; the configuration storage is in memory (filled by the caller). A joining member is not a
    /// cold start: it waits for the leader to add it. No FailureDetectorFactory: it
    /// would remove unreachable members from the configuration. AggressiveLeaderStickiness: a live leader refuses
    /// pre-votes. Without it DotNext's leader answers a pre-vote as a follower whose last heartbeat is long past, so
    /// a follower that only missed heartbeats (starved, or being stopped) passes pre-vote and persists a term above
    /// the leader's; the leader never learns that term from a minority member's late replies, and a member that
    /// needs a snapshot (always a late reply) then refuses the leader for good.
    /// </summary>
    private static RaftCluster.NodeConfiguration Configure(string group, IPEndPoint address, RangeReplicaOptions options, ILoggerFactory logging,
        RaftMux? mux, bool coldStart) => mux is null
        ? new RaftCluster.TcpConfiguration(address)
        {
            ConfigurationStorage = null,
            LowerElectionTimeout = options.LowerElectionTimeoutMs,
            UpperElectionTimeout = options.UpperElectionTimeoutMs,
            RequestTimeout = options.RequestTimeout,
            AggressiveLeaderStickiness = true,
            LoggerFactory = logging,
            ColdStart = coldStart,
        }
        : new RaftCluster.CustomTransportConfiguration(RaftEndPoints.Of(address, group), mux.Listeners, mux.Connector)
        {
            ConfigurationStorage = null,
            LowerElectionTimeout = options.LowerElectionTimeoutMs,
            UpperElectionTimeout = options.UpperElectionTimeoutMs,
            RequestTimeout = options.RequestTimeout,
            AggressiveLeaderStickiness = true,
            LoggerFactory = logging,
            EndPointComparer = RaftEndPoints.Comparer,
            ColdStart = coldStart,
        };
}
