namespace Cairn.Checking.History;

/// <summary>How a call ended, as far as the key's state is concerned.</summary>
public enum ResultKind
{
    /// <summary>A write or delete succeeded (200 / 204).</summary>
    Ok,

    /// <summary>A read found the key: the value read, or, for a listing whose ETag maps to no known write, any value.</summary>
    Found,

    /// <summary>The key is absent: 404 NoSuchKey, or not in a listing.</summary>
    NotFound,

    /// <summary>412 PreconditionFailed: the condition did not hold and nothing changed.</summary>
    PreconditionFailed,

    /// <summary>409 ConditionalRequestConflict: a concurrent conditional write won; nothing changed.</summary>
    Conflict,

    /// <summary>Timeout, transport error or an answer that says nothing certain (5xx): the call may or may not have taken effect.</summary>
    Unknown,

    /// <summary>A listing: the keys it returned are in <see cref="OperationResult.Listed"/>.</summary>
    Listed,
}

/// <summary>A call's result: its kind, the value read (for <see cref="ResultKind.Found"/>), or a listing's entries.</summary>
public sealed record OperationResult(ResultKind Kind, string? Value = null, IReadOnlyDictionary<string, string?>? Listed = null)
{
    public static readonly OperationResult Ok = new(ResultKind.Ok);
    public static readonly OperationResult NotFound = new(ResultKind.NotFound);
    public static readonly OperationResult PreconditionFailed = new(ResultKind.PreconditionFailed);
    public static readonly OperationResult Conflict = new(ResultKind.Conflict);
    public static readonly OperationResult Unknown = new(ResultKind.Unknown);

    /// <summary>A read of <paramref name="value"/>; null only for a listed key whose ETag names no known write.</summary>
    public static OperationResult Found(string? value) => new(ResultKind.Found, value);

    /// <summary>A listing: each listed key with the value its ETag identifies (null when it identifies none we know).</summary>
    public static OperationResult Listing(IReadOnlyDictionary<string, string?> keys) => new(ResultKind.Listed, Listed: keys);
}
