using Cairn.Checking.Model;

namespace Cairn.Checking.Search;

/// <summary>
/// The call and return events of a key's operations in time order, as a doubly linked list that the search
/// shortens by lifting an operation out (its call and its return) and restores on backtracking, dancing-links style.
/// On equal times a call comes before a return, so operations that touch in time count as concurrent.
/// </summary>
internal sealed class EntryList
{
    public const int End = -1;

    private readonly int[] next;
    private readonly int[] previous;
    private readonly int[] operationOf;
    private readonly bool[] isCall;
    private readonly int[] returnOf;

    public EntryList(ReadOnlySpan<KeyOp> operations)
    {
        var count = operations.Length * 2;
        var events = new (long Time, int Order, int Operation, bool Call)[count];
        for (var i = 0; i < operations.Length; i++)
        {
            events[2 * i] = (operations[i].Invoked, 0, i, true);
            events[2 * i + 1] = (operations[i].Returned, 1, i, false);
        }
        Array.Sort(events, (a, b) => a.Time != b.Time ? a.Time.CompareTo(b.Time) : a.Order != b.Order ? a.Order.CompareTo(b.Order) : a.Operation.CompareTo(b.Operation));

        // Slot `count` is the head sentinel.
        next = new int[count + 1];
        previous = new int[count + 1];
        operationOf = new int[count];
        isCall = new bool[count];
        returnOf = new int[operations.Length];
        for (var e = 0; e < count; e++)
        {
            operationOf[e] = events[e].Operation;
            isCall[e] = events[e].Call;
            if (!events[e].Call) returnOf[events[e].Operation] = e;
            next[e] = e + 1 < count ? e + 1 : End;
            previous[e] = e == 0 ? Head : e - 1;
        }
        next[Head] = count == 0 ? End : 0;
    }

    private int Head => operationOf.Length;

    public int First => next[Head];

    public bool IsEmpty => next[Head] == End;

    public int Next(int entry) => next[entry];

    public bool IsCall(int entry) => isCall[entry];

    public int OperationOf(int entry) => operationOf[entry];

    /// <summary>Takes an operation's call entry and its return entry out of the list.</summary>
    public void Lift(int call)
    {
        Unlink(call);
        Unlink(returnOf[operationOf[call]]);
    }

    /// <summary>Puts back what <see cref="Lift"/> took out; lifts are undone in reverse order.</summary>
    public void Unlift(int call)
    {
        Relink(returnOf[operationOf[call]]);
        Relink(call);
    }

    private void Unlink(int entry)
    {
        next[previous[entry]] = next[entry];
        if (next[entry] != End) previous[next[entry]] = previous[entry];
    }

    private void Relink(int entry)
    {
        next[previous[entry]] = entry;
        if (next[entry] != End) previous[next[entry]] = entry;
    }
}
