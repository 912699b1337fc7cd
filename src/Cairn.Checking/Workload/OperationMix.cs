using System.Collections.Frozen;
using Cairn.Checking.History;

namespace Cairn.Checking.Workload;

/// <summary>Picks each next call at random among the enabled kinds, weighted so that reads and plain writes dominate.</summary>
public sealed class OperationMix
{
    private static readonly FrozenDictionary<OperationKind, int> Weights = new Dictionary<OperationKind, int>
    {
        [OperationKind.Put] = 20,
        [OperationKind.PutIfAbsent] = 10,
        [OperationKind.PutIfMatch] = 10,
        [OperationKind.Get] = 25,
        [OperationKind.Delete] = 10,
        [OperationKind.DeleteIfMatch] = 8,
        [OperationKind.List] = 10,
    }.ToFrozenDictionary();

    private readonly OperationKind[] kinds;
    private readonly int[] cumulative;

    public OperationMix(IReadOnlySet<OperationKind> enabled)
    {
        kinds = Weights.Keys.Where(enabled.Contains).ToArray();
        if (kinds.Length == 0) throw new ArgumentException("The workload needs at least one kind of call.", nameof(enabled));
        cumulative = new int[kinds.Length];
        var total = 0;
        for (var i = 0; i < kinds.Length; i++) cumulative[i] = total += Weights[kinds[i]];
    }

    /// <summary>The kinds the workload can make, by their command-line names.</summary>
    public static FrozenDictionary<string, OperationKind> Names { get; } = new Dictionary<string, OperationKind>(StringComparer.OrdinalIgnoreCase)
    {
        ["put"] = OperationKind.Put,
        ["put-if-none-match"] = OperationKind.PutIfAbsent,
        ["put-if-match"] = OperationKind.PutIfMatch,
        ["get"] = OperationKind.Get,
        ["delete"] = OperationKind.Delete,
        ["delete-if-match"] = OperationKind.DeleteIfMatch,
        ["list"] = OperationKind.List,
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    public OperationKind Next(Random random)
    {
        var pick = random.Next(cumulative[^1]);
        return kinds[Array.FindIndex(cumulative, c => pick < c)];
    }
}
