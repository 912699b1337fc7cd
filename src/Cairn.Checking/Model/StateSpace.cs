using Cairn.Checking.History;

namespace Cairn.Checking.Model;

/// <summary>
/// States of the search: a register state (code ≥ 0), or a set of register states any one of which the key may be in
/// (negative: an index into the sets interned here). A set arises only from a witness's uncertain starting state
/// ("absent, or a value written before"); each step keeps the members it is possible in, as Porcupine's
/// nondeterministic models do, and a set usually collapses to one state at the first write or read. An operation whose
/// result a witness does not use but which did return may have had its effect or none: it steps to both.
/// </summary>
internal sealed class StateSpace
{
    private readonly List<int[]> sets = [];
    private readonly Dictionary<string, int> index = new(StringComparer.Ordinal);
    private readonly List<int> scratch = [];

    public int Intern(IEnumerable<int> states)
    {
        var members = states.Distinct().Order().ToArray();
        if (members.Length == 0) throw new ArgumentException("A state set needs a member.", nameof(states));
        if (members.Length == 1) return members[0];
        var name = string.Join(',', members);
        if (!index.TryGetValue(name, out var code))
        {
            sets.Add(members);
            code = -sets.Count;
            index.Add(name, code);
        }
        return code;
    }

    private ReadOnlySpan<int> Members(int state) => state >= 0 ? new[] { state } : sets[-state - 1];

    public bool Step(int state, in KeyOp op, out int next)
    {
        var optional = op.Result == ResultKind.Unknown && op.Returned != Operation.Never;
        if (state >= 0 && !optional) return RegisterModel.Step(state, op, out next);
        scratch.Clear();
        foreach (var member in Members(state))
        {
            if (RegisterModel.Step(member, op, out var after)) scratch.Add(after);
            if (optional) scratch.Add(member);
        }
        next = scratch.Count == 0 ? state : Intern(scratch);
        return scratch.Count > 0;
    }
}
