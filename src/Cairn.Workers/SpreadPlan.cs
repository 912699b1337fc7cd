using Cairn.Core.Blobs;
using Cairn.Placement;

namespace Cairn.Workers;

/// <summary>
/// Which fragments of a blob to move so that no failure domain holds more of them than a fresh placement on the
/// drives available now would put there: fragments rebuilt two to a node while a node was away go back to the
/// spread placement wants once it returns. Only fragments in over-full domains move, each to a drive of the
/// fresh placement in a domain that holds fewer than placement wants, so a blob that is spread as placement
/// would spread it is left alone even when its drives differ.
/// </summary>
public static class SpreadPlan
{
    /// <summary>Slot → drive to move it to; empty when the blob is spread as wanted, or is repair's work first (a fragment unavailable).</summary>
    public static IReadOnlyDictionary<int, string> Moves(BlobLayout layout, IPlacement placement, IReadOnlySet<string> unavailable)
    {
        var moves = new Dictionary<int, string>();
        if (!layout.IsStriped || EndangeredStripes.UnavailableSlots(layout, unavailable).Count > 0) return moves;
        IReadOnlyList<string> wanted;
        try
        {
            wanted = placement.Place(layout.BlobId, layout.DataFragments, layout.ParityFragments, unavailable);
        }
        catch (PlacementException)
        {
            return moves; // the available drives cannot hold the code spread: nothing better to move to
        }
        var want = CountByDomain(wanted, placement);
        var have = CountByDomain(layout.Drives, placement);
        var free = wanted.Where(d => !layout.Drives.Contains(d)).ToList();
        // In an over-full domain, fragments on drives placement does not want move before ones on drives it does.
        foreach (var slot in Enumerable.Range(0, layout.TotalFragments).OrderBy(s => wanted.Contains(layout.Drives[s]) ? 1 : 0))
        {
            var from = placement.FailureDomain(layout.Drives[slot]);
            if (have[from] <= want.GetValueOrDefault(from)) continue;
            var target = free.FirstOrDefault(d => have.GetValueOrDefault(placement.FailureDomain(d)) < want[placement.FailureDomain(d)]);
            if (target is null) break;
            moves[slot] = target;
            free.Remove(target);
            have[from]--;
            have[placement.FailureDomain(target)] = have.GetValueOrDefault(placement.FailureDomain(target)) + 1;
        }
        return moves;
    }

    /// <summary>The most fragments of the layout that one failure domain holds: what a single domain's loss costs it.</summary>
    public static int Crowding(BlobLayout layout, IPlacement placement) =>
        layout.Drives.Count == 0 ? 0 : CountByDomain(layout.Drives, placement).Values.Max();

    private static Dictionary<string, int> CountByDomain(IEnumerable<string> drives, IPlacement placement) =>
        drives.GroupBy(placement.FailureDomain).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
}
