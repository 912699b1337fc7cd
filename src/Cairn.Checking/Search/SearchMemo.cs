namespace Cairn.Checking.Search;

/// <summary>
/// Lowe's memoisation: the (linearized set, state) configurations already explored. Reaching one again leads to the
/// same dead end, so the search skips it. Configurations are compared exactly, never by hash alone.
/// </summary>
internal sealed class SearchMemo
{
    private readonly HashSet<Configuration> seen = [];

    public int Count => seen.Count;

    /// <returns>True when the configuration is new (and now remembered).</returns>
    public bool Add(LinearizedSet linearized, int state)
    {
        var (end, holes) = linearized.Snapshot();
        return seen.Add(new Configuration(linearized.Hash ^ (ulong)(uint)state * 0x9E3779B97F4A7C15UL, state, end, holes));
    }

    private sealed class Configuration(ulong hash, int state, int end, int[] holes) : IEquatable<Configuration>
    {
        private readonly ulong hash = hash;
        private readonly int state = state;
        private readonly int end = end;
        private readonly int[] holes = holes;

        public bool Equals(Configuration? other) =>
            other is not null && other.hash == hash && other.state == state && other.end == end && other.holes.AsSpan().SequenceEqual(holes);

        public override bool Equals(object? obj) => Equals(obj as Configuration);

        public override int GetHashCode() => (int)(hash ^ (hash >> 32));
    }
}
