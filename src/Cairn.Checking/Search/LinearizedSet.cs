using System.Numerics;

namespace Cairn.Checking.Search;

/// <summary>
/// Which operations the current partial linearization holds: a bitset with an incrementally kept Zobrist hash, and a
/// compact copy for the memo. Operations are numbered in invocation order, so a linearized set is nearly a prefix: the
/// copy stores the end of that prefix and the few holes below it (operations still in flight), not the whole bitset.
/// </summary>
internal sealed class LinearizedSet
{
    private readonly ulong[] words;
    private readonly ulong[] zobrist;

    public LinearizedSet(int count)
    {
        words = new ulong[(count + 63) / 64];
        zobrist = new ulong[count];
        var seed = 0x9E3779B97F4A7C15UL;
        for (var i = 0; i < count; i++) zobrist[i] = SplitMix64(ref seed);
    }

    public ulong Hash { get; private set; }

    public void Add(int operation)
    {
        words[operation >> 6] |= 1UL << operation;
        Hash ^= zobrist[operation];
    }

    public void Remove(int operation)
    {
        words[operation >> 6] &= ~(1UL << operation);
        Hash ^= zobrist[operation];
    }

    /// <summary>The set as (one past the highest member, the non-members below it).</summary>
    public (int End, int[] Holes) Snapshot()
    {
        var top = words.Length - 1;
        while (top >= 0 && words[top] == 0) top--;
        if (top < 0) return (0, []);
        var end = top * 64 + 64 - BitOperations.LeadingZeroCount(words[top]);
        var holes = new List<int>();
        for (var w = 0; w <= top; w++)
        {
            var missing = ~words[w];
            if (w == top) missing &= end % 64 == 0 ? ulong.MaxValue : (1UL << (end % 64)) - 1;
            while (missing != 0)
            {
                holes.Add(w * 64 + BitOperations.TrailingZeroCount(missing));
                missing &= missing - 1;
            }
        }
        return (end, holes.ToArray());
    }

    private static ulong SplitMix64(ref ulong state)
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
