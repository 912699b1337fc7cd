using Cairn.Checking.Campaign.Network;

namespace Cairn.Checking.Campaign.Faults;

/// <summary>
/// Links between nodes cut at the mesh (packets dropped, as a partition does: no reset, no refusal), in one of the
/// classic shapes; healed by letting every link pass again. The minority side must refuse writes and strong reads
/// (503), the majority serve, and healing lose nothing.
/// </summary>
public sealed class PartitionFault(ProxyMesh network, string shape, Action<ProxyMesh> cut) : Fault
{
    public override FaultKind Kind => FaultKind.Partition;

    public override string Description => "partition: " + shape;

    public override Task InjectAsync(CancellationToken cancellationToken)
    {
        cut(network);
        return Task.CompletedTask;
    }

    public override Task HealAsync(CancellationToken cancellationToken)
    {
        network.Heal();
        return Task.CompletedTask;
    }

    /// <summary>
    /// One of: a node alone (a minority), the leader alone, the cluster split in two (two against the rest), or a bridge:
    /// two sides cut from each other and one node that still reaches both.
    /// </summary>
    public static PartitionFault Pick(ProxyMesh network, IReadOnlyList<string> nodes, string? leader, Random random)
    {
        var shuffled = nodes.OrderBy(_ => random.Next()).ToList();
        switch (random.Next(4))
        {
            case 0:
                var alone = shuffled.First(n => n != leader);
                return new PartitionFault(network, $"{alone} isolated (a minority)", m => m.Isolate(new HashSet<string> { alone }));
            case 1 when leader is not null:
                return new PartitionFault(network, $"the leader {leader} isolated", m => m.Isolate(new HashSet<string> { leader }));
            case 2 when nodes.Count >= 4:
                var two = shuffled.Take(2).ToHashSet();
                return new PartitionFault(network, $"{string.Join(",", two)} | {string.Join(",", shuffled.Skip(2))}", m => m.Isolate(two));
            default:
                var bridge = shuffled[0];
                var half = (shuffled.Count - 1) / 2;
                var sideA = shuffled.Skip(1).Take(half).ToHashSet();
                var sideB = shuffled.Skip(1 + half).ToHashSet();
                return new PartitionFault(network, $"{string.Join(",", sideA)} | {string.Join(",", sideB)}, bridged by {bridge}", m => m.Bridge(bridge, sideA, sideB));
        }
    }
}
