using System.Text.Json;
using Cairn.WebConsole.Sessions;

namespace Cairn.WebConsole.S3;

/// <summary>
/// The node's admin API (<c>/_cairn/admin/v1/…</c>, root only) called with the session's credentials, as
/// <c>cairn admin</c> calls it: operator pages read drives, durability, usage and billing through it.
/// </summary>
public sealed class AdminApi(SignedRequests requests)
{
    private const string Prefix = "/_cairn/admin/v1/";

    public Task<JsonDocument> GetAsync(ConsoleSession session, string call, CancellationToken cancellationToken) =>
        SendAsync(session, HttpMethod.Get, call, cancellationToken);

    public async Task<JsonDocument> SendAsync(ConsoleSession session, HttpMethod method, string call, CancellationToken cancellationToken)
    {
        using var response = await requests.SendAsync(session.Credentials, method, Prefix + call, null, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode) throw S3ErrorResponse.From(response.StatusCode, body);
        return JsonDocument.Parse(body);
    }
}
