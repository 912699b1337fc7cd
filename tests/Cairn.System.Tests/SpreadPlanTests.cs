using Cairn.Core.Blobs;
using Cairn.Placement;
using Cairn.Workers;

namespace Cairn.System.Tests;

/// <summary>Which fragments go back where once a node that was away returns: three nodes of two drives, 2+2 at node level.</summary>
public sealed class SpreadPlanTests
{
    private const int NodeLevel = 2; // zone/rack/node/drive
    private static readonly RendezvousPlacement Placement = new(
        [.. from node in new[] { "n1", "n2", "n3" } from drive in new[] { "d0", "d1" } select new DriveEntry($"{node}-{drive}", $"z/r/{node}/{node}-{drive}")], NodeLevel);
    private static readonly HashSet<string> None = [];
    private static readonly HashSet<string> N3Down = ["n3-d0", "n3-d1"];

    [Fact]
    public void Fragments_rebuilt_while_a_node_was_away_go_back_to_it_and_nothing_else_moves()
    {
        // A blob placement puts one fragment on n3 (2/1/1): while n3 was down, repair rebuilt it on n1 or n2 (2/2/0).
        var (blobId, wanted) = BlobWithOneFragmentOn("n3");
        var layout = Repaired(blobId, wanted, N3Down);
        Assert.DoesNotContain(layout.Drives, d => d.StartsWith("n3", StringComparison.Ordinal));

        var moves = SpreadPlan.Moves(layout, Placement, None);

        var slot = Assert.Single(moves).Key;
        Assert.Equal(wanted.Single(d => d.StartsWith("n3", StringComparison.Ordinal)), moves[slot]);
        Assert.NotEqual(wanted[slot], layout.Drives[slot]);
        var spread = Apply(layout, moves);
        Assert.Equal(ByNode(wanted), ByNode(spread.Drives));
        Assert.Equal(2, SpreadPlan.Crowding(layout, Placement));
    }

    [Fact]
    public void Nothing_moves_while_the_node_is_still_away_or_when_the_blob_is_spread_as_placement_wants()
    {
        var (blobId, wanted) = BlobWithOneFragmentOn("n3");
        var repaired = Repaired(blobId, wanted, N3Down);

        Assert.Empty(SpreadPlan.Moves(repaired, Placement, N3Down));
        Assert.Empty(SpreadPlan.Moves(Layout(blobId, wanted), Placement, None));
    }

    [Fact]
    public void A_blob_with_a_fragment_unavailable_is_left_to_repair()
    {
        var (blobId, wanted) = BlobWithOneFragmentOn("n3");
        var repaired = Repaired(blobId, wanted, N3Down);

        Assert.Empty(SpreadPlan.Moves(repaired with { MissingSlots = [0] }, Placement, None));
        Assert.Empty(SpreadPlan.Moves(Layout(blobId, wanted), Placement, new HashSet<string> { wanted[0] }));
    }

    /// <summary>The first blob id (in a fixed sequence) whose fresh placement puts exactly one fragment on the node.</summary>
    private static (string BlobId, IReadOnlyList<string> Wanted) BlobWithOneFragmentOn(string node) =>
        Enumerable.Range(0, 1000).Select(i => $"blob-{i}").Select(id => (id, Placement.Place(id, 2, 2)))
            .First(p => p.Item2.Count(d => d.StartsWith(node, StringComparison.Ordinal)) == 1);

    /// <summary>What repair does with the unavailable slots: each rebuilt on placement's replacement drive.</summary>
    private static BlobLayout Repaired(string blobId, IReadOnlyList<string> wanted, IReadOnlySet<string> unavailable)
    {
        var drives = wanted.ToArray();
        var kept = wanted.Where(d => !unavailable.Contains(d)).ToList();
        for (var slot = 0; slot < drives.Length; slot++)
        {
            if (!unavailable.Contains(drives[slot])) continue;
            drives[slot] = Placement.Replacement(blobId, kept, 2, unavailable)!;
            kept.Add(drives[slot]);
        }
        return Layout(blobId, drives);
    }

    private static BlobLayout Apply(BlobLayout layout, IReadOnlyDictionary<int, string> moves)
    {
        var drives = layout.Drives.ToArray();
        foreach (var (slot, drive) in moves) drives[slot] = drive;
        return layout with { Drives = drives };
    }

    private static string ByNode(IEnumerable<string> drives) =>
        string.Join(",", drives.GroupBy(Placement.FailureDomain).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key}={g.Count()}"));

    private static BlobLayout Layout(string blobId, IReadOnlyList<string> drives) => new()
    {
        BlobId = blobId,
        Length = 1 << 20,
        DataFragments = 2,
        ParityFragments = 2,
        StripeSize = 512 * 1024,
        BlockSize = 64 * 1024,
        Drives = drives,
    };
}
