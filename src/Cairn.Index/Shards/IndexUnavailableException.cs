namespace Cairn.Index.Shards;

/// <summary>
/// The index could not serve the call in time — a replicated shard with no reachable leader or quorum — and
/// nothing was changed: the front door answers 503 ServiceUnavailable, which clients retry.
/// </summary>
public class IndexUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
