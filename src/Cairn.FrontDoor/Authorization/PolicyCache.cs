using System.Collections.Concurrent;
using Cairn.Policies;

namespace Cairn.FrontDoor.Authorization;

/// <summary>
/// Parsed policies by their text: a request re-reads the stored JSON (so a change takes effect at once) but parses it
/// only the first time. Bounded: when full it starts over, so hostile churn costs parsing, never memory.
/// </summary>
public sealed class PolicyCache
{
    private const int Capacity = 4096;

    private readonly ConcurrentDictionary<(PolicyKind Kind, string Text), PolicyDocument> _parsed = new();

    /// <summary>A stored policy, parsed (it was validated when stored, so the bucket's name is not needed again).</summary>
    public PolicyDocument Get(string text, PolicyKind kind)
    {
        if (_parsed.TryGetValue((kind, text), out var policy)) return policy;
        policy = PolicyParser.Parse(text, kind);
        if (_parsed.Count >= Capacity) _parsed.Clear();
        _parsed[(kind, text)] = policy;
        return policy;
    }
}
