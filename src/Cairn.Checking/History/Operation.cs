namespace Cairn.Checking.History;

/// <summary>
/// One call as a client saw it: what it asked, what came back, and when it was invoked and returned on one
/// monotonic clock (Stopwatch ticks). A call whose outcome is unknown (timeout, transport error) may have taken
/// effect at any time after its invocation, so it returns at <see cref="Never"/>, as Knossos and Porcupine do.
/// </summary>
/// <param name="Id">Unique within the history.</param>
/// <param name="Client">The client that made the call; only printed, the check needs real time alone.</param>
/// <param name="Key">The object key, or a listing's prefix.</param>
/// <param name="Value">The value a PUT writes (its body, unique per write).</param>
/// <param name="Expected">For If-Match: the value whose ETag the request carries.</param>
/// <param name="Detail">Why an outcome is unknown (timeout, status), for the report.</param>
public sealed record Operation(
    int Id,
    int Client,
    string Key,
    OperationKind Kind,
    string? Value,
    string? Expected,
    OperationResult Result,
    long Invoked,
    long Returned,
    string? Detail = null)
{
    /// <summary>The return time of a call whose outcome is unknown.</summary>
    public const long Never = long.MaxValue;

    public bool OutcomeUnknown => Result.Kind == ResultKind.Unknown;

    /// <summary>True when the recorded result says the key's state did not change (reads and refused conditionals).</summary>
    public bool IsObservation => Kind is OperationKind.Get or OperationKind.Exists or OperationKind.List
        || Result.Kind is ResultKind.PreconditionFailed or ResultKind.NotFound or ResultKind.Conflict;
}
