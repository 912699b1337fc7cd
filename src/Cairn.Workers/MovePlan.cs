using Cairn.Core.Blobs;
using Cairn.Placement;

namespace Cairn.Workers;

/// <summary>Why a fragment moves, in the order the mover takes them: emptying a draining drive comes before spreading, spreading before rebalancing.</summary>
public enum MoveReason { Evacuate, Spread, Rebalance }

/// <summary>The fragments of one blob to move (slot → drive), why, and how crowded its most loaded failure domain is.</summary>
public sealed record PlannedMove(BlobLayout Layout, IReadOnlyDictionary<int, string> Moves, MoveReason Reason, int Crowding)
{
    public long Bytes => Moves.Count * Layout.FragmentLength;
}

/// <summary>
/// Which fragments of a blob the mover moves, from its layout and the map alone:
/// <list type="bullet">
/// <item>evacuation: every fragment on a draining drive, to a drive placement wants (else its replacement), never
/// putting more than m of the blob in one failure domain;</item>
/// <item>spread: fragments crowding a failure domain beyond what a fresh placement wants (<see cref="SpreadPlan"/>);</item>
/// <item>rebalance: a fragment on a drive placement no longer wants goes to the wanted drive of the same failure domain
/// that the blob lacks — a drive added to a node, an empty drive put back — which leaves every domain's count as it was.</item>
/// </list>
/// A blob with a fragment unavailable is repair's first; nothing here moves it.
/// </summary>
public static class MovePlan
{
    /// <param name="unavailable">Drives that can be neither read nor written.</param>
    /// <param name="draining">Drives being emptied: read from, never written to.</param>
    /// <param name="rebalance">Whether drive-level rebalance moves are planned (off when the rebalance rate is 0).</param>
    public static PlannedMove? For(BlobLayout layout, IPlacement placement, IReadOnlySet<string> unavailable, IReadOnlySet<string> draining, bool rebalance)
    {
        if (!layout.IsStriped || EndangeredStripes.UnavailableSlots(layout, unavailable).Count > 0) return null;
        var excluded = new HashSet<string>(unavailable, StringComparer.Ordinal);
        excluded.UnionWith(draining);
        var crowding = SpreadPlan.Crowding(layout, placement);
        if (layout.Drives.Any(draining.Contains))
            return Evacuation(layout, placement, excluded, draining) is { Count: > 0 } evacuate ? new PlannedMove(layout, evacuate, MoveReason.Evacuate, crowding) : null;
        var moves = new Dictionary<int, string>(SpreadPlan.Moves(layout, placement, excluded));
        var reason = moves.Count > 0 ? MoveReason.Spread : MoveReason.Rebalance;
        if (rebalance) AddDriveMoves(layout, placement, excluded, moves);
        return moves.Count > 0 ? new PlannedMove(layout, moves, reason, crowding) : null;
    }

    private static Dictionary<int, string> Evacuation(BlobLayout layout, IPlacement placement, IReadOnlySet<string> excluded, IReadOnlySet<string> draining)
    {
        var moves = new Dictionary<int, string>();
        var perDomain = Math.Max(1, layout.ParityFragments);
        // What the blob keeps once its draining fragments are gone: the domain counts every target is judged against.
        var kept = layout.Drives.Where(d => !draining.Contains(d)).ToList();
        var wanted = Wanted(layout, placement, excluded);
        for (var slot = 0; slot < layout.TotalFragments; slot++)
        {
            if (!draining.Contains(layout.Drives[slot])) continue;
            var load = kept.GroupBy(placement.FailureDomain).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
            var target = wanted.FirstOrDefault(d => !kept.Contains(d) && load.GetValueOrDefault(placement.FailureDomain(d)) < perDomain)
                ?? placement.Replacement(layout.BlobId, kept, layout.ParityFragments, excluded);
            if (target is null) continue; // nowhere that keeps the protection level: it stays until the map has room
            moves[slot] = target;
            kept.Add(target);
        }
        return moves;
    }

    private static void AddDriveMoves(BlobLayout layout, IPlacement placement, IReadOnlySet<string> excluded, Dictionary<int, string> moves)
    {
        var wanted = Wanted(layout, placement, excluded);
        var after = layout.Drives.ToArray();
        foreach (var (slot, drive) in moves) after[slot] = drive;
        foreach (var target in wanted.Where(w => !after.Contains(w)).ToList())
        {
            var domain = placement.FailureDomain(target);
            var slot = Enumerable.Range(0, after.Length)
                .FirstOrDefault(s => !moves.ContainsKey(s) && !wanted.Contains(after[s]) && placement.FailureDomain(after[s]) == domain, -1);
            if (slot < 0) continue;
            moves[slot] = target;
            after[slot] = target;
        }
    }

    private static IReadOnlyList<string> Wanted(BlobLayout layout, IPlacement placement, IReadOnlySet<string> excluded)
    {
        try
        {
            return placement.Place(layout.BlobId, layout.DataFragments, layout.ParityFragments, excluded);
        }
        catch (PlacementException)
        {
            return []; // the drives left cannot hold the code spread: evacuation falls back to replacements, rebalance waits
        }
    }
}
