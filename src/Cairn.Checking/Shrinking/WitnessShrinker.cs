using Cairn.Checking.History;
using Cairn.Checking.Search;

namespace Cairn.Checking.Shrinking;

/// <summary>
/// Shrinks a non-linearizable key timeline to a small set of operations that no order explains. Every step is one
/// that cannot turn an explainable set into an unexplainable one (any linearization of the larger set gives one of the
/// smaller), so the witness proves the whole history wrong and points at a real fault:
/// <list type="number">
/// <item>Cut at the earliest return that makes the history unexplainable: operations invoked later go; writes still
/// running then took their effect or none (their results are not used), reads still running go.</item>
/// <item>Start later: at the moment some operation begins, drop the operations that returned before it; writes running
/// across it took their effect or none (before or after that moment), reads running across it go; and the key starts
/// absent or holding any value the dropped and running writes wrote.</item>
/// <item>Drop observations (reads, refused conditionals): they change no state, so dropping one never creates a fault.</item>
/// </list>
/// Writes are never simply dropped: a missing write could itself make later reads unexplainable, and the witness
/// would then show a fault the system does not have.
/// </summary>
internal sealed class WitnessShrinker(KeyTimeline timeline, Deadline deadline)
{
    public Witness Shrink()
    {
        var part = EarliestFailingCut();
        if (part is null) return Describe(timeline.Whole, minimal: false);
        bool changed;
        do
        {
            changed = StartLater(ref part);
            changed |= DropObservations(ref part);
        }
        while (changed && !deadline.Passed);
        return Describe(part, minimal: !deadline.Passed);
    }

    /// <summary>
    /// The timeline cut at the smallest return time at which it is already unexplainable (a history cut earlier is a
    /// relaxation of one cut later, so this is a binary search).
    /// </summary>
    private TimelinePart? EarliestFailingCut()
    {
        var returns = Enumerable.Range(0, timeline.Count).Select(i => timeline[i].Returned).Where(r => r != Operation.Never).Distinct().Order().ToArray();
        if (returns.Length == 0 || !Fails(CutAt(returns[^1]))) return null;
        int low = 0, high = returns.Length - 1;
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (Fails(CutAt(returns[middle]))) high = middle;
            else low = middle + 1;
        }
        return CutAt(returns[low]);
    }

    private TimelinePart CutAt(long cut)
    {
        var invoked = Enumerable.Range(0, timeline.Count).Where(i => timeline[i].Invoked <= cut).ToArray();
        var running = invoked.Where(i => timeline[i].Returned > cut).ToHashSet();
        return new TimelinePart(invoked.Where(i => !(running.Contains(i) && timeline[i].IsRead)).ToArray(), running, new HashSet<int>());
    }

    /// <summary>Moves the part's start to the latest moment (an operation's invocation) from which it stays unexplainable.</summary>
    private bool StartLater(ref TimelinePart part)
    {
        // Only moments before which something returned or a read is running: elsewhere nothing would be dropped.
        var indices = part.Indices;
        var firstReturn = long.MaxValue;
        var readRunning = false;
        var moments = new List<int>();
        for (var p = 1; p < indices.Count; p++)
        {
            firstReturn = Math.Min(firstReturn, timeline[indices[p - 1]].Returned);
            readRunning |= timeline[indices[p - 1]].IsRead;
            var moment = timeline[indices[p]].Invoked;
            if (timeline[indices[p - 1]].Invoked < moment && (firstReturn < moment || readRunning)) moments.Add(p);
        }
        int low = 0, high = moments.Count - 1;
        TimelinePart? best = null;
        while (low <= high && !deadline.Passed)
        {
            var middle = (low + high) / 2;
            var later = StartingAt(part, moments[middle]);
            if (Fails(later))
            {
                best = later;
                low = middle + 1;
            }
            else high = middle - 1;
        }
        if (best is null) return false;
        part = best;
        return true;
    }

    /// <summary>The part from the moment its operation at position <paramref name="position"/> begins.</summary>
    private TimelinePart StartingAt(TimelinePart part, int position)
    {
        var moment = timeline[part.Indices[position]].Invoked;
        var before = part.Indices.Take(position).ToList();
        var dropped = before.Where(i => timeline[i].Returned < moment).ToList();
        var running = before.Where(i => timeline[i].Returned >= moment && !timeline[i].IsRead).ToList();

        var earlier = new HashSet<int>(part.EarlierValues);
        earlier.UnionWith(timeline.WrittenValues(dropped.Concat(running).Where(i => !timeline.IsObservationIn(i, part))));
        var uncertain = new HashSet<int>(part.Uncertain);
        uncertain.UnionWith(running);
        return new TimelinePart([.. running, .. part.Indices.Skip(position)], uncertain, earlier);
    }

    /// <summary>Delta-debugging over the observations: drop chunks of halving size while the rest stays unexplainable.</summary>
    private bool DropObservations(ref TimelinePart part)
    {
        var current = part;
        var observations = current.Indices.Where(i => timeline.IsObservationIn(i, current)).ToList();
        var dropped = false;
        for (var size = Math.Max(1, observations.Count / 2); observations.Count > 0 && !deadline.Passed; size = Math.Max(1, size / 2))
        {
            for (var start = 0; start < observations.Count && !deadline.Passed;)
            {
                var chunk = observations.GetRange(start, Math.Min(size, observations.Count - start)).ToHashSet();
                var smaller = current with { Indices = current.Indices.Where(i => !chunk.Contains(i)).ToArray() };
                if (Fails(smaller))
                {
                    current = smaller;
                    observations.RemoveRange(start, chunk.Count);
                    dropped = true;
                }
                else start += chunk.Count;
            }
            if (size == 1) break;
        }
        part = current;
        return dropped;
    }

    private bool Fails(TimelinePart part) => timeline.Check(part, deadline) == SearchOutcome.NotLinearizable;

    private Witness Describe(TimelinePart part, bool minimal)
    {
        var mentioned = part.Indices.SelectMany(i => new[] { timeline[i].Input, timeline[i].Expected, timeline[i].Output })
            .Where(part.EarlierValues.Contains).Distinct().ToList();
        return new Witness(
            timeline.Key,
            part.Indices.Select(i => new WitnessOperation(timeline.Operations[i], part.Uncertain.Contains(i) && !timeline.Operations[i].OutcomeUnknown)).ToList(),
            mentioned.Select(timeline.ValueName).Order(StringComparer.Ordinal).ToList(),
            mentioned.Count < part.EarlierValues.Count,
            minimal);
    }
}
