using Cairn.Core.Blobs;
using Cairn.Placement;
using Cairn.Workers;

namespace Cairn.System.Tests;

/// <summary>What the fragment mover plans: evacuating a draining drive keeps the protection level; a drive or node added gets its share.</summary>
public sealed class MovePlanTests
{
    private const int NodeLevel = 2; // zone/rack/node/drive
    private static readonly HashSet<string> None = [];
    private static readonly IEnumerable<string> BlobIds = Enumerable.Range(0, 300).Select(i => $"blob-{i}");

    private static RendezvousPlacement Map(params (string Node, int Drives)[] nodes) => new(
        [.. from n in nodes from d in Enumerable.Range(0, n.Drives) select new DriveEntry($"{n.Node}-d{d}", $"z/r/{n.Node}/{n.Node}-d{d}")], NodeLevel);

    [Fact]
    public void Evacuation_moves_every_fragment_off_the_draining_drive_and_never_puts_more_than_m_on_a_node()
    {
        var placement = Map(("n1", 2), ("n2", 2), ("n3", 2), ("n4", 2));
        HashSet<string> draining = ["n2-d1"];
        var evacuated = 0;
        foreach (var blobId in BlobIds)
        {
            var layout = Layout(blobId, placement.Place(blobId, 2, 2), 2, 2);
            var planned = MovePlan.For(layout, placement, None, draining, rebalance: true);
            if (!layout.Drives.Contains("n2-d1"))
            {
                Assert.NotEqual(MoveReason.Evacuate, planned?.Reason);
                continue;
            }
            Assert.NotNull(planned);
            Assert.Equal(MoveReason.Evacuate, planned.Reason);
            var after = Apply(layout, planned.Moves);
            Assert.DoesNotContain("n2-d1", after);
            Assert.Equal(after.Length, after.Distinct().Count());
            Assert.All(planned.Moves.Keys, slot => Assert.Equal("n2-d1", layout.Drives[slot]));
            Assert.True(PerNode(after, placement).Values.Max() <= 2, $"{blobId}: more than m fragments on one node");
            evacuated++;
        }
        Assert.True(evacuated > 20, "too few blobs touched the draining drive to test anything");
    }

    [Fact]
    public void A_fragment_with_nowhere_to_go_that_keeps_the_protection_level_stays()
    {
        // Three nodes of one drive, 2+1 at node level: the draining node's fragment has no other node to go to.
        var placement = Map(("n1", 1), ("n2", 1), ("n3", 1));
        var layout = Layout("blob-0", placement.Place("blob-0", 2, 1), 2, 1);
        Assert.Null(MovePlan.For(layout, placement, None, new HashSet<string> { "n3-d0" }, rebalance: true));
    }

    [Fact]
    public void A_drive_added_to_a_node_receives_what_rendezvous_hands_it_and_without_rebalance_only_domain_counts_are_fixed()
    {
        var before = Map(("n1", 2), ("n2", 2), ("n3", 2));
        var after = Map(("n1", 3), ("n2", 2), ("n3", 2));
        var onto = 0;
        foreach (var blobId in BlobIds)
        {
            var layout = Layout(blobId, before.Place(blobId, 2, 2), 2, 2);
            var wanted = after.Place(blobId, 2, 2);
            // Without rebalance only spread moves: each node ends holding what placement wants of the blob, whichever of its drives.
            var spreadOnly = MovePlan.For(layout, after, None, None, rebalance: false);
            var spread = spreadOnly is null ? layout.Drives.ToArray() : Apply(layout, spreadOnly.Moves);
            Assert.Equal(ByNode(wanted, after), ByNode(spread, after));
            // With it, the blob ends exactly on the drives placement wants; a move within a node stays within it.
            var planned = MovePlan.For(layout, after, None, None, rebalance: true);
            var rebalanced = planned is null ? layout.Drives.ToArray() : Apply(layout, planned.Moves);
            Assert.Equal(wanted.Order(), rebalanced.Order());
            if (planned is null) continue;
            Assert.All(planned.Moves.Values, target => Assert.Contains(target, wanted));
            onto += planned.Moves.Values.Count(d => d == "n1-d2");
        }
        Assert.True(onto > 20, $"only {onto} fragments moved onto the new drive");
    }

    [Fact]
    public void A_node_that_joined_receives_its_share_and_each_blob_ends_spread_as_fresh_placement_wants()
    {
        var before = Map(("n1", 1), ("n2", 1), ("n3", 1));
        var after = Map(("n1", 1), ("n2", 1), ("n3", 1), ("n4", 1));
        var onto = 0;
        foreach (var blobId in BlobIds)
        {
            var layout = Layout(blobId, before.Place(blobId, 2, 1), 2, 1);
            var planned = MovePlan.For(layout, after, None, None, rebalance: true);
            var wanted = after.Place(blobId, 2, 1);
            var spread = planned is null ? layout.Drives.ToArray() : Apply(layout, planned.Moves);
            Assert.Equal(wanted.Order(), spread.Order());
            if (planned is not null) onto += planned.Moves.Values.Count(d => d == "n4-d0");
        }
        Assert.True(onto > 50, $"only {onto} fragments moved onto the new node");
    }

    [Fact]
    public void A_blob_with_a_fragment_unavailable_is_left_to_repair()
    {
        var placement = Map(("n1", 2), ("n2", 2), ("n3", 2), ("n4", 2));
        var layout = Layout("blob-1", placement.Place("blob-1", 2, 2), 2, 2);
        var other = layout.Drives.First();
        Assert.Null(MovePlan.For(layout, placement, new HashSet<string> { other }, new HashSet<string>(layout.Drives.Skip(1).Take(1)), rebalance: true));
    }

    private static string[] Apply(BlobLayout layout, IReadOnlyDictionary<int, string> moves)
    {
        var drives = layout.Drives.ToArray();
        foreach (var (slot, drive) in moves) drives[slot] = drive;
        return drives;
    }

    private static string ByNode(IEnumerable<string> drives, RendezvousPlacement placement) =>
        string.Join(",", PerNode(drives, placement).OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));

    private static Dictionary<string, int> PerNode(IEnumerable<string> drives, RendezvousPlacement placement) =>
        drives.GroupBy(placement.FailureDomain).ToDictionary(g => g.Key, g => g.Count());

    private static BlobLayout Layout(string blobId, IReadOnlyList<string> drives, int k, int m) => new()
    {
        BlobId = blobId,
        Length = 1 << 20,
        DataFragments = k,
        ParityFragments = m,
        StripeSize = 512 * 1024,
        BlockSize = 64 * 1024,
        Drives = drives,
    };
}
