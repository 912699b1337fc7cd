namespace Cairn.Checking.History;

/// <summary>
/// A listing read as one existence read per key. This is weaker than checking the listing as one atomic read
/// across keys: a listing that shows key A's new state and key B's old one, which no single instant explains, passes
/// when each key's share can be placed somewhere in the listing's interval on its own.
/// </summary>
public static class ListingProjection
{
    public static Operation OnKey(Operation listing, string key, int id)
    {
        var result = listing.Result.Kind switch
        {
            ResultKind.Listed => listing.Result.Listed!.TryGetValue(key, out var value) ? OperationResult.Found(value) : OperationResult.NotFound,
            _ => OperationResult.Unknown,
        };
        return listing with { Id = id, Key = key, Kind = OperationKind.Exists, Result = result };
    }
}
