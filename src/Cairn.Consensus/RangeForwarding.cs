using System.Net;
using System.Net.Http.Headers;

namespace Cairn.Consensus;

/// <summary>Deadlines of a command a member forwards to its group's leader.</summary>
public sealed record RangeForwardingOptions
{
    /// <summary>
    /// The whole command, every retry included: past it the issuer gets <see cref="CommandOutcomeUnknownException"/>
    /// and may retry with the same request id.
    /// </summary>
    public TimeSpan Deadline { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>One call to the leader's cluster endpoint; a leader silent this long is retried (same request id).</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>The pause before the first retry, doubled on each next one up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan FirstBackoff { get; init; } = TimeSpan.FromMilliseconds(20);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromMilliseconds(500);
}

/// <summary>
/// How a member reaches the other members' cluster endpoints (<see cref="RangeGroupEndpoints"/>,
/// <see cref="Meta.MetaGroupEndpoints"/>): the process's cluster client (<c>ClusterHttp.CreateClient</c>,
/// signed, HTTP/2) and, for each member's Raft address, the base URL of its cluster port. One instance
/// serves every group of the process, the meta group included.
/// </summary>
public sealed class RangeForwarding(HttpClient client, IReadOnlyDictionary<EndPoint, Uri> members, RangeForwardingOptions? options = null,
    TimeProvider? time = null)
{
    private readonly Dictionary<string, Uri> byAddress = members.ToDictionary(m => m.Key.ToString()!, m => m.Value, StringComparer.Ordinal);

    public RangeForwardingOptions Options { get; } = options ?? new RangeForwardingOptions();
    public TimeProvider Time { get; } = time ?? TimeProvider.System;

    /// <summary>The configured member whose Raft address prints as <paramref name="address"/> (a leader named in a not-leader answer).</summary>
    internal EndPoint? Member(string? address) =>
        string.IsNullOrEmpty(address) ? null
            : members.Keys.FirstOrDefault(m => string.Equals(m.ToString(), address, StringComparison.Ordinal))
              ?? (IPEndPoint.TryParse(address, out var joined) ? joined : null);

    /// <summary>
    /// One attempt: the encoded command to <paramref name="leader"/>'s endpoint at <paramref name="route"/>
    /// (relative to its cluster base URL). Returns the encoded outcome of its apply; throws <see cref="NotLeaderException"/> (that member does not lead; the leader
    /// it names, if any), <see cref="LeaderUnreachableException"/> (no answer, or the outcome is unknown
    /// there: retry with the same request id) or <see cref="InvalidOperationException"/> (refused: not applied).
    /// </summary>
    internal async Task<byte[]> SendAsync(string group, EndPoint leader, string route, byte[] command, CancellationToken cancellationToken)
    {
        // A member added after this process started (a node that joined) is reached at its Raft address, which is its cluster port.
        if (!byAddress.TryGetValue(leader.ToString()!, out var baseUrl) && leader is IPEndPoint joined) baseUrl = new Uri($"http://{joined}/");
        if (baseUrl is null)
            throw new InvalidOperationException($"No cluster address is configured for member {leader} of group {group}.");
        using var attempt = new CancellationTokenSource(Options.AttemptTimeout, Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(attempt.Token, cancellationToken);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseUrl, route))
        {
            Content = new ByteArrayContent(command) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        try
        {
            using var response = await client.SendAsync(request, linked.Token).ConfigureAwait(false);
            switch (response.StatusCode)
            {
                case HttpStatusCode.OK:
                    return await response.Content.ReadAsByteArrayAsync(linked.Token).ConfigureAwait(false);
                case HttpStatusCode.MisdirectedRequest:
                    throw new NotLeaderException(group, Member(Header(response, ForwardedCommands.LeaderHeader)));
                case HttpStatusCode.ServiceUnavailable:
                    throw new LeaderUnreachableException(leader, Header(response, ForwardedCommands.ErrorHeader) ?? "outcome unknown there");
                case HttpStatusCode.NotFound:
                    // The member does not run the group (yet): a node restarting answers before its replicas are back.
                    throw new LeaderUnreachableException(leader, $"it does not run group {group} now");
                default:
                    throw new InvalidOperationException(
                        $"Member {leader} refused a command for group {group}: {(int)response.StatusCode} {Header(response, ForwardedCommands.ErrorHeader)}");
            }
        }
        catch (Exception e) when (e is HttpRequestException or IOException || e is OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // Refused, reset, cut or silent past the attempt's deadline: the command may or may not be applied.
            throw new LeaderUnreachableException(leader, e.Message, e);
        }
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}

/// <summary>One forwarding attempt got no outcome from the leader (no answer, or it lost leadership mid-call): retry with the same request id.</summary>
public sealed class LeaderUnreachableException(EndPoint leader, string reason, Exception? inner = null)
    : Exception($"No outcome from the leader {leader}: {reason}", inner);
