namespace Cairn.Index.Shards;

/// <summary>
/// The index could not serve the call in time — a replicated shard with no reachable leader or quorum — and the
/// front door answers 503 ServiceUnavailable, which clients retry. Nothing was changed, except for a write whose
/// leader was lost in flight (<c>CommandOutcomeUnknownException</c>): it may have been applied, as any unanswered
/// request may.
/// </summary>
public class IndexUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
