using System.Net.Http.Json;
using System.Text.Json;
using Cairn.Auth;
using Cairn.Core.Errors;

namespace Cairn.Cli.Admin;

/// <summary>Calls the server's admin API, SigV4-signed with the root credentials.</summary>
public sealed class AdminClient(Uri endpoint, Credentials credentials, string region = "us-east-1") : IDisposable
{
    private readonly HttpClient http = new() { Timeout = Timeout.InfiniteTimeSpan };

    public Task<JsonDocument> GetAsync(string call, CancellationToken cancellationToken) => SendAsync(HttpMethod.Get, call, cancellationToken);

    public async Task<JsonDocument> SendAsync(HttpMethod method, string call, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(method, new Uri(endpoint, "/_cairn/admin/v1/" + call));
        SigV4Signer.Sign(request, credentials.AccessKey, credentials.SecretKey, region, DateTimeOffset.UtcNow);
        using var response = await http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw new AdminCallFailed($"{(int)response.StatusCode} {response.ReasonPhrase}: {body}");
        return JsonDocument.Parse(body);
    }

    public void Dispose() => http.Dispose();
}

public sealed class AdminCallFailed(string message) : Exception(message);
