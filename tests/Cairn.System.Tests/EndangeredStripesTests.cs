using Cairn.Core.Blobs;
using Cairn.Data.Blobs;
using Cairn.Index.Records;
using Cairn.Workers;

namespace Cairn.System.Tests;

/// <summary>The order repair takes blobs in after drives become unavailable: smallest margin (survivors − k) first.</summary>
public sealed class EndangeredStripesTests
{
    private static readonly HashSet<string> DownNode = ["n3-d0", "n3-d1"];

    [Fact]
    public void Blobs_with_fewer_fragments_to_spare_come_first_whatever_the_index_order()
    {
        // 2+2 over three nodes; n3 is down. Index order: one lost fragment, none, two lost, one never written + one lost.
        var references = new[]
        {
            Reference("one-lost", ["n1-d0", "n2-d0", "n3-d0", "n1-d1"]),
            Reference("whole", ["n1-d0", "n2-d0", "n2-d1", "n1-d1"]),
            Reference("two-lost", ["n3-d1", "n2-d0", "n3-d0", "n1-d1"]),
            Reference("missing-and-lost", ["n1-d0", "n3-d1", "n2-d1", "n1-d1"], missing: [0]),
            Reference("three-lost", ["n3-d1", "n3-d0", "n2-d1", "n1-d1"], missing: [2]),
        };

        var endangered = EndangeredStripes.Collect(references, DownNode);

        Assert.Equal(["three-lost", "two-lost", "missing-and-lost", "one-lost"], endangered.Select(d => d.Reference.Layout!.BlobId));
        Assert.Equal([-1, 0, 0, 1], endangered.Select(d => EndangeredStripes.Margin(d.Damage)));
        Assert.Equal([0, 2], endangered[1].Damage.BadSlots);
        Assert.Equal([0, 1], endangered[2].Damage.BadSlots);
    }

    [Fact]
    public void Margin_is_counted_against_k_so_wider_codes_with_more_losses_can_be_safer()
    {
        // 4+4 missing two fragments still has two to spare; 2+1 missing one has none.
        var wide = Layout("wide", ["a", "b", "c", "d", "e", "f", "g", "h"], k: 4) with { MissingSlots = [0, 1] };
        var narrow = Layout("narrow", ["a", "b", "c"], k: 2) with { MissingSlots = [2] };

        var order = EndangeredStripes.MostEndangeredFirst([Damaged(wide), Damaged(narrow)]);

        Assert.Equal(["narrow", "wide"], order.Select(d => d.Damage.Layout.BlobId));
        Assert.Equal(2, EndangeredStripes.Margin(wide, new HashSet<string>()));
        Assert.Equal(0, EndangeredStripes.Margin(narrow, new HashSet<string>()));
    }

    [Fact]
    public void A_blob_with_every_fragment_available_is_not_repair_work()
    {
        var references = new[] { Reference("whole", ["n1-d0", "n2-d0", "n2-d1", "n1-d1"]), new BlobReference("b", "inline", 1) };

        Assert.Empty(EndangeredStripes.Collect(references, DownNode));
    }

    private static (BlobReference, BlobDamage) Damaged(BlobLayout layout) => (new BlobReference("b", layout.BlobId, 1) { Layout = layout }, new BlobDamage(layout, layout.MissingSlots));

    private static BlobReference Reference(string blobId, string[] drives, int[]? missing = null) =>
        new("b", blobId, 1) { Layout = Layout(blobId, drives, k: 2) with { MissingSlots = missing ?? [] } };

    private static BlobLayout Layout(string blobId, string[] drives, int k) => new()
    {
        BlobId = blobId,
        Length = 1 << 20,
        DataFragments = k,
        ParityFragments = drives.Length - k,
        StripeSize = k * 256 * 1024,
        BlockSize = 64 * 1024,
        Drives = drives,
    };
}
