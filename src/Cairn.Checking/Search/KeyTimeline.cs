using Cairn.Checking.History;
using Cairn.Checking.Model;

namespace Cairn.Checking.Search;

/// <summary>
/// One key's operations sorted by invocation, with values interned, from which the search inputs of the whole history
/// or of any part of it are built. Reads whose outcome is unknown are left out: they constrain nothing.
/// </summary>
internal sealed class KeyTimeline
{
    private readonly ValueTable values = new();
    private readonly KeyOp[] operations;

    public KeyTimeline(string key, IEnumerable<Operation> keyOperations)
    {
        Key = key;
        Operations = keyOperations
            .Where(o => !(o.OutcomeUnknown && o.Kind is OperationKind.Get or OperationKind.Exists))
            .OrderBy(o => o.Invoked).ThenBy(o => o.Id)
            .ToArray();
        operations = Operations.Select((o, i) => Encode(i, o)).ToArray();
    }

    public string Key { get; }

    /// <summary>The operations in invocation order; a part of the timeline is a set of indices into this.</summary>
    public IReadOnlyList<Operation> Operations { get; }

    public int Count => operations.Length;

    public ref readonly KeyOp this[int index] => ref operations[index];

    public string ValueName(int code) => values.Name(code);

    /// <summary>The values the given operations wrote (or may have written), as codes: what a later part may start from.</summary>
    public IEnumerable<int> WrittenValues(IEnumerable<int> indices) => indices
        .Where(i => operations[i].Kind is OperationKind.Put or OperationKind.PutIfAbsent or OperationKind.PutIfMatch
            && operations[i].Result is ResultKind.Ok or ResultKind.Unknown)
        .Select(i => operations[i].Input);

    /// <summary>True when, as a part sees it, the operation's result says it changed nothing.</summary>
    public bool IsObservationIn(int index, TimelinePart part)
    {
        ref readonly var op = ref operations[index];
        return op.IsRead || (!part.Uncertain.Contains(index) && op.Result is ResultKind.PreconditionFailed or ResultKind.NotFound or ResultKind.Conflict);
    }

    /// <summary>The whole timeline, from an absent key.</summary>
    public TimelinePart Whole => new(Enumerable.Range(0, Count).ToArray(), new HashSet<int>(), new HashSet<int>());

    /// <summary>Decides whether the whole timeline, from an absent key, is linearizable.</summary>
    public SearchOutcome Check(Deadline deadline) => Check(Whole, deadline);

    /// <summary>
    /// Decides whether a part of the timeline is linearizable: its operations, the uncertain ones with their effect or
    /// none within their interval (reads among them left out), starting from an absent key or any of the part's earlier values.
    /// </summary>
    public SearchOutcome Check(TimelinePart part, Deadline deadline)
    {
        var chosen = new List<KeyOp>(part.Indices.Count);
        foreach (var index in part.Indices)
        {
            var op = operations[index];
            if (part.Uncertain.Contains(index))
            {
                if (op.IsRead) continue;
                op = op with { Result = ResultKind.Unknown };
            }
            chosen.Add(op);
        }
        var states = new StateSpace();
        var initial = states.Intern(StartingStates(part.EarlierValues, chosen));
        return WglSearch.Run(chosen.ToArray(), states, initial, deadline);
    }

    /// <summary>
    /// Absent, each earlier value that an operation of the part mentions, and one stand-in for all the earlier values
    /// none mentions (they behave alike), so the starting set stays as small as what can tell its members apart.
    /// </summary>
    private static IEnumerable<int> StartingStates(IReadOnlySet<int> earlier, List<KeyOp> chosen)
    {
        yield return ValueCodes.Absent;
        if (earlier.Count == 0) yield break;
        var mentioned = chosen.SelectMany(o => new[] { o.Input, o.Expected, o.Output }).Where(earlier.Contains).ToHashSet();
        foreach (var value in mentioned) yield return value;
        if (mentioned.Count < earlier.Count) yield return ValueCodes.Other;
    }

    private KeyOp Encode(int index, Operation o) => new(
        index,
        o.Kind,
        o.Result.Kind,
        o.Value is null ? ValueCodes.Absent : values.Code(o.Value),
        o.Expected is null ? ValueCodes.Absent : values.Code(o.Expected),
        o.Result.Kind == ResultKind.Found ? (o.Result.Value is null ? ValueCodes.AnyPresent : values.Code(o.Result.Value)) : ValueCodes.Absent,
        o.Invoked,
        o.OutcomeUnknown ? Operation.Never : o.Returned);
}

/// <summary>
/// A part of a key's timeline: some of its operations (indices, in invocation order); those among them whose results
/// the part does not use (they took their effect or none, at some point of their interval); and the
/// values written by operations left out before the part, any of which the key may hold when the part begins.
/// </summary>
internal sealed record TimelinePart(IReadOnlyList<int> Indices, IReadOnlySet<int> Uncertain, IReadOnlySet<int> EarlierValues);
