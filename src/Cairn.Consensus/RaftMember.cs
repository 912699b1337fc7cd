using System.Net;
using DotNext.Net.Cluster.Consensus.Raft;
using DotNext.Net.Cluster.Consensus.Raft.Membership;
using DotNext.Net.Cluster.Consensus.Raft.StateMachine;
using Microsoft.Extensions.Logging;

namespace Cairn.Consensus;

/// <summary>
/// The one place a Raft member of any group (a range group, the meta group) is constructed, so the
/// transport — TCP with one port per group today — changes here for every group at once.
/// </summary>
internal static class RaftMember
{
    /// <summary>A member at <paramref name="address"/> of <paramref name="group"/>, logging to <paramref name="log"/>; not started.</summary>
    public static RaftCluster Create(RangeGroup group, IPEndPoint address, RangeReplicaOptions options, WriteAheadLog log, ILoggerFactory? logging)
    {
        var configuration = new RaftCluster.TcpConfiguration(address)
        {
            ConfigurationStorage = null, // in memory, filled below
            LowerElectionTimeout = options.LowerElectionTimeoutMs,
            UpperElectionTimeout = options.UpperElectionTimeoutMs,
            RequestTimeout = options.RequestTimeout,
            LoggerFactory = new RaftLogFilter(logging ?? RaftLogFilter.Silent),
            // No FailureDetectorFactory: it would remove unreachable members from the configuration.
        };
        // Static membership for now: every member starts knowing the whole group (changes come with rebalancing).
        var members = ((InMemoryClusterConfigurationStorage<EndPoint>)configuration.ConfigurationStorage!).CreateInitialConfigurationBuilder();
        foreach (var member in group.Members) members.Add(member);
        members.Build();
        return new RaftCluster(configuration) { AuditTrail = log };
    }
}
