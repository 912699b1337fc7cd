namespace Cairn.Checking.Campaign.Faults;

/// <summary>
/// Picks the campaign's next fault: a kind among those asked for, in turn so each gets its share, and a target — a
/// range leader two times in three for kills and pauses (the classic cases), any node otherwise.
/// </summary>
public sealed class FaultPlan(CampaignCluster cluster, IReadOnlySet<FaultKind> kinds, int parity, Random random)
{
    private readonly List<FaultKind> order = kinds.OrderBy(k => k).ToList();
    private int next = random.Next(kinds.Count);

    public async Task<Fault> NextAsync(CancellationToken cancellationToken)
    {
        var kind = order[next++ % order.Count];
        switch (kind)
        {
            case FaultKind.Kill or FaultKind.Pause:
                var (node, leader) = await TargetAsync(cancellationToken).ConfigureAwait(false);
                return kind == FaultKind.Kill ? new KillFault(cluster, node, leader) : new PauseFault(node, leader);
            case FaultKind.Disk:
                var owner = Any();
                return new DiskFault(owner, owner.Drives[random.Next(owner.Drives.Count)], corrupt: random.Next(2) == 0, random);
            case FaultKind.Clock:
                var minutes = random.Next(2, 11) * (random.Next(2) == 0 ? 1 : -1);
                return new ClockFault(cluster, Any(), TimeSpan.FromMinutes(minutes));
            case FaultKind.Partition:
                var leaders = await cluster.LeadersAsync(cancellationToken).ConfigureAwait(false);
                return PartitionFault.Pick(cluster.Network, cluster.Nodes.Select(n => n.Id).ToList(),
                    leaders.Count > 0 ? leaders[random.Next(leaders.Count)] : null, random);
            case FaultKind.Wipe:
                return new WipeFault(cluster.Nodes.OrderBy(_ => random.Next()).Take(parity + 1).ToList());
            default:
                throw new NotSupportedException($"No {kind} faults yet.");
        }
    }

    private async Task<(CampaignNode Node, bool Leader)> TargetAsync(CancellationToken cancellationToken)
    {
        if (random.Next(3) < 2)
        {
            var leaders = await cluster.LeadersAsync(cancellationToken).ConfigureAwait(false);
            if (leaders.Count > 0)
            {
                var id = leaders[random.Next(leaders.Count)];
                if (cluster.Nodes.FirstOrDefault(n => n.Id == id) is { } leader) return (leader, true);
            }
        }
        return (Any(), false);
    }

    private CampaignNode Any() => cluster.Nodes[random.Next(cluster.Nodes.Count)];
}
