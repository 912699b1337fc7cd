namespace Cairn.Checking.History;

/// <summary>Every recorded call of one run, and the keys the workload used (the universe a listing is projected onto).</summary>
public sealed record OperationHistory(IReadOnlyList<Operation> Operations, IReadOnlyList<string> Keys)
{
    /// <summary>
    /// Splits the history into one sub-history per key (P-compositionality: a history of independent registers is
    /// linearizable exactly when each register's is). A listing becomes, on every key its prefix covers, an
    /// existence read with the listing's invocation and return times.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<Operation>> ByKey()
    {
        var keys = Keys.Concat(Operations.Where(o => o.Kind != OperationKind.List).Select(o => o.Key))
            .Concat(Operations.SelectMany(o => o.Result.Listed?.Keys ?? Enumerable.Empty<string>()))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var byKey = keys.ToDictionary(k => k, _ => new List<Operation>(), StringComparer.Ordinal);
        var nextId = Operations.Count == 0 ? 0 : Operations.Max(o => o.Id) + 1;
        foreach (var operation in Operations)
        {
            if (operation.Kind != OperationKind.List)
            {
                byKey[operation.Key].Add(operation);
                continue;
            }
            foreach (var key in keys.Where(k => k.StartsWith(operation.Key, StringComparison.Ordinal)))
                byKey[key].Add(ListingProjection.OnKey(operation, key, nextId++));
        }
        return byKey.ToDictionary(p => p.Key, p => (IReadOnlyList<Operation>)p.Value, StringComparer.Ordinal);
    }
}
