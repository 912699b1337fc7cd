using Cairn.Checking.Model;

namespace Cairn.Checking.Search;

/// <summary>
/// The Wing–Gong search with Lowe's memoisation, as Porcupine runs it: walk the event list; at a call, try to
/// linearize that operation now (the model accepts it and the configuration is new), lifting it out of the list and
/// starting again from the first event; at a return whose operation is not yet linearized, no order of the
/// operations so far works, so undo the last choice and try the next call after it. The history is linearizable
/// when the list empties.
/// </summary>
internal static class WglSearch
{
    /// <param name="operations">One key's operations, sorted by invocation (their numbering keeps memo entries small).</param>
    /// <param name="initialState">The state before them: a register state or an interned set of them in <paramref name="states"/>.</param>
    public static SearchOutcome Run(ReadOnlySpan<KeyOp> operations, StateSpace states, int initialState, Deadline deadline)
    {
        var entries = new EntryList(operations);
        var linearized = new LinearizedSet(operations.Length);
        var memo = new SearchMemo();
        var choices = new Stack<(int Call, int StateBefore)>();
        var state = initialState;
        var entry = entries.First;
        var steps = 0;
        while (!entries.IsEmpty)
        {
            if ((++steps & 1023) == 0 && deadline.Passed) return SearchOutcome.Undecided;
            if (entries.IsCall(entry))
            {
                var operation = entries.OperationOf(entry);
                if (states.Step(state, operations[operation], out var after))
                {
                    linearized.Add(operation);
                    if (memo.Add(linearized, after))
                    {
                        choices.Push((entry, state));
                        state = after;
                        entries.Lift(entry);
                        entry = entries.First;
                        continue;
                    }
                    linearized.Remove(operation);
                }
                entry = entries.Next(entry);
            }
            else
            {
                if (choices.Count == 0) return SearchOutcome.NotLinearizable;
                var (call, before) = choices.Pop();
                state = before;
                linearized.Remove(entries.OperationOf(call));
                entries.Unlift(call);
                entry = entries.Next(call);
            }
        }
        return SearchOutcome.Linearizable;
    }
}
