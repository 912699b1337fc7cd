using System.Diagnostics;
using Cairn.Checking.History;
using Cairn.Checking.Search;
using Cairn.Checking.Shrinking;

namespace Cairn.Checking;

/// <summary>
/// Decides whether a recorded history of S3 calls is linearizable, key by key, and for a key that is not, finds a
/// small set of its operations that no order explains.
/// </summary>
public sealed class LinearizabilityChecker(CheckerOptions options)
{
    public LinearizabilityChecker() : this(CheckerOptions.Default) { }

    public CheckResult Check(OperationHistory history)
    {
        var verdicts = new List<KeyVerdict>();
        foreach (var (key, operations) in history.ByKey().OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var started = Stopwatch.GetTimestamp();
            var timeline = new KeyTimeline(key, operations);
            var outcome = timeline.Check(Deadline.After(options.KeyBudget));
            var witness = outcome == SearchOutcome.NotLinearizable
                ? new WitnessShrinker(timeline, Deadline.After(options.ShrinkBudget)).Shrink()
                : null;
            verdicts.Add(new KeyVerdict(key, outcome, timeline.Count, Stopwatch.GetElapsedTime(started), witness));
        }
        return new CheckResult(verdicts);
    }
}

/// <param name="KeyBudget">How long the search may take on one key before the key counts as undecided.</param>
/// <param name="ShrinkBudget">How long shrinking a key's violation to a small witness may take.</param>
public sealed record CheckerOptions(TimeSpan KeyBudget, TimeSpan ShrinkBudget)
{
    public static CheckerOptions Default { get; } = new(TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(1));
}

/// <param name="Operations">How many operations of the key were checked (reads of unknown outcome are not).</param>
public sealed record KeyVerdict(string Key, SearchOutcome Outcome, int Operations, TimeSpan Elapsed, Witness? Witness);

public sealed record CheckResult(IReadOnlyList<KeyVerdict> Keys)
{
    /// <summary>Not linearizable when any key is not; undecided when none is not but some could not be decided.</summary>
    public SearchOutcome Outcome =>
        Keys.Any(k => k.Outcome == SearchOutcome.NotLinearizable) ? SearchOutcome.NotLinearizable
        : Keys.Any(k => k.Outcome == SearchOutcome.Undecided) ? SearchOutcome.Undecided
        : SearchOutcome.Linearizable;

    public IEnumerable<Witness> Witnesses => Keys.Select(k => k.Witness).OfType<Witness>();
}
