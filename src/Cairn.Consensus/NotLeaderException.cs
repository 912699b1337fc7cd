using System.Net;

namespace Cairn.Consensus;

/// <summary>This replica does not lead its Raft group: send the command to <see cref="Leader"/> (null while none is known).</summary>
public sealed class NotLeaderException(string group, EndPoint? leader)
    : Exception($"This replica does not lead group {group}; the leader is {leader?.ToString() ?? "unknown"}.")
{
    public string Group { get; } = group;
    public EndPoint? Leader { get; } = leader;
}

/// <summary>
/// The leader lost its leadership (or its quorum) while the command was in flight: it may or may not be
/// applied. Retry it with the same request id; the retry is answered with the first outcome if there was one. To an
/// S3 client the index is unavailable for the moment (503, which SDKs retry), not broken.
/// </summary>
public sealed class CommandOutcomeUnknownException(string requestId, Exception? inner = null)
    : Cairn.Index.Shards.IndexUnavailableException($"The outcome of request {requestId} is unknown: retry it with the same request id.", inner)
{
    public string RequestId { get; } = requestId;
}
