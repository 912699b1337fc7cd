using System.Collections.Concurrent;
using Cairn.Policies;

namespace Cairn.FrontDoor.Authorization;

/// <summary>
/// The access documents authorization reads on every request — policies and Block Public Access settings — parsed, by
/// their text: a request re-reads the stored text (so a change takes effect at once) but parses it only the first time.
/// Parsing the bucket's Block Public Access XML on each request was a fifth of the request path's allocations.
/// </summary>
public sealed class PolicyCache
{
    private readonly BoundedParses<(PolicyKind Kind, string Text), PolicyDocument> policies = new(key => PolicyParser.Parse(key.Text, key.Kind));
    private readonly BoundedParses<string, PublicAccessBlock> publicAccessBlocks = new(PublicAccessBlock.FromStored);

    /// <summary>A stored policy, parsed (it was validated when stored, so the bucket's name is not needed again).</summary>
    public PolicyDocument Get(string text, PolicyKind kind) => policies.Get((kind, text));

    /// <summary>A stored Block Public Access document, parsed (null: none stored, every setting off).</summary>
    public PublicAccessBlock PublicAccessBlockOf(string? document) => document is null ? PublicAccessBlock.AllOff : publicAccessBlocks.Get(document);

    /// <summary>Bounded: when full it starts over, so hostile churn costs parsing, never memory.</summary>
    private sealed class BoundedParses<TKey, TValue>(Func<TKey, TValue> parse) where TKey : notnull
    {
        private const int Capacity = 4096;

        private readonly ConcurrentDictionary<TKey, TValue> parsed = new();

        public TValue Get(TKey key)
        {
            if (parsed.TryGetValue(key, out var value)) return value;
            value = parse(key);
            if (parsed.Count >= Capacity) parsed.Clear();
            parsed[key] = value;
            return value;
        }
    }
}
