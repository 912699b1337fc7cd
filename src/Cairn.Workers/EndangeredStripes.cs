using Cairn.Core.Blobs;
using Cairn.Data.Blobs;
using Cairn.Index.Records;

namespace Cairn.Workers;

/// <summary>
/// The order repair takes stripes in: fewest spare fragments first. A stripe's margin is its surviving
/// fragments minus k, the further losses it can take: at margin 0 one more failure loses it, at margin m it is
/// whole. Every stripe of a blob shares the blob's drives, so a blob's layout stands for all its stripes.
/// </summary>
public static class EndangeredStripes
{
    /// <summary>Slots whose fragment cannot be counted on from the layout alone: never written, or on an unavailable drive.</summary>
    public static IReadOnlyList<int> UnavailableSlots(BlobLayout layout, IReadOnlySet<string> unavailable) =>
        Enumerable.Range(0, layout.TotalFragments).Where(s => layout.MissingSlots.Contains(s) || unavailable.Contains(layout.Drives[s])).ToList();

    /// <summary>Surviving fragments minus k: negative when the blob can no longer be read.</summary>
    public static int Margin(BlobDamage damage) => damage.Survivors - damage.Layout.DataFragments;

    /// <summary>Margin as the layout and the unavailable drives say, with no fragment read.</summary>
    public static int Margin(BlobLayout layout, IReadOnlySet<string> unavailable) =>
        Margin(new BlobDamage(layout, UnavailableSlots(layout, unavailable)));

    /// <summary>
    /// The blobs with a fragment on an unavailable drive (or never written), most endangered first: found from the
    /// layouts alone, so a node's loss is known in one pass over the index, before any fragment is verified.
    /// </summary>
    public static IReadOnlyList<(BlobReference Reference, BlobDamage Damage)> Collect(IEnumerable<BlobReference> references, IReadOnlySet<string> unavailable)
    {
        var damaged = new List<(BlobReference, BlobDamage)>();
        foreach (var reference in references)
        {
            if (reference.Layout is not { } layout) continue;
            var slots = UnavailableSlots(layout, unavailable);
            if (slots.Count > 0) damaged.Add((reference, new BlobDamage(layout, slots)));
        }
        return MostEndangeredFirst(damaged);
    }

    /// <summary>Ascending margin; equal margins keep their order (the index's, so a pass is repeatable).</summary>
    public static IReadOnlyList<(BlobReference Reference, BlobDamage Damage)> MostEndangeredFirst(IEnumerable<(BlobReference Reference, BlobDamage Damage)> damaged) =>
        damaged.OrderBy(d => Margin(d.Damage)).ToList();
}
