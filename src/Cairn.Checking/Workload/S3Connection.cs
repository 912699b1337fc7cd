using System.Text;
using Cairn.Auth;

namespace Cairn.Checking.Workload;

/// <summary>
/// Signed S3 calls to one endpoint through a lean HttpClient (no SDK, no retries: a retry would hide what the
/// first attempt did). Bodies are small, so they are signed with their SHA-256.
/// </summary>
public sealed class S3Connection(HttpClient http, Uri endpoint, S3Credentials credentials, string region)
{
    public Uri Endpoint => endpoint;

    public Task<S3Answer> CreateBucketAsync(string bucket, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Put, Path(bucket, null), null, null, cancellationToken);

    public Task<S3Answer> DeleteBucketAsync(string bucket, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Delete, Path(bucket, null), null, null, cancellationToken);

    /// <param name="condition">A header that makes the write conditional (If-None-Match or If-Match), or null.</param>
    public Task<S3Answer> PutAsync(string bucket, string key, string body, (string Name, string Value)? condition, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Put, Path(bucket, key), new ByteArrayContent(Encoding.UTF8.GetBytes(body)), condition, cancellationToken);

    public Task<S3Answer> GetAsync(string bucket, string key, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, Path(bucket, key), null, null, cancellationToken);

    public Task<S3Answer> DeleteAsync(string bucket, string key, string? ifMatch, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Delete, Path(bucket, key), null, ifMatch is null ? null : ("If-Match", ifMatch), cancellationToken);

    /// <summary>ListObjectsV2 of one page (the workload's keys are far fewer than a page).</summary>
    public Task<S3Answer> ListAsync(string bucket, string prefix, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, Path(bucket, null) + "?list-type=2&prefix=" + Uri.EscapeDataString(prefix), null, null, cancellationToken);

    public Task<S3Answer> PutBytesAsync(string bucket, string key, byte[] body, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Put, Path(bucket, key), new ByteArrayContent(body), null, cancellationToken);

    /// <summary>A GET whose body is kept as bytes (<see cref="S3Answer"/> reads bodies as text): status, error code, bytes.</summary>
    public async Task<(int Status, string? Code, byte[] Body)> GetBytesAsync(string bucket, string key, CancellationToken cancellationToken)
    {
        using var request = Signed(HttpMethod.Get, Path(bucket, key), null, null);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var status = (int)response.StatusCode;
        return (status, status >= 300 ? S3Answer.ErrorCode(System.Text.Encoding.UTF8.GetString(body)) : null, status >= 300 ? [] : body);
    }

    /// <summary>A call to Cairn's admin API (<c>/_cairn/admin/v1/…</c>), signed like any other.</summary>
    public Task<S3Answer> AdminAsync(HttpMethod method, string call, CancellationToken cancellationToken) =>
        SendAsync(method, "/_cairn/admin/v1/" + call, null, null, cancellationToken);

    private HttpRequestMessage Signed(HttpMethod method, string pathAndQuery, HttpContent? content, (string Name, string Value)? header)
    {
        var request = new HttpRequestMessage(method, new Uri(endpoint, pathAndQuery)) { Content = content };
        if (header is { } h) request.Headers.TryAddWithoutValidation(h.Name, h.Value);
        SigV4Signer.Sign(request, credentials.AccessKey, credentials.SecretKey, region, DateTimeOffset.UtcNow);
        return request;
    }

    private async Task<S3Answer> SendAsync(HttpMethod method, string pathAndQuery, HttpContent? content, (string Name, string Value)? header,
        CancellationToken cancellationToken)
    {
        using var request = Signed(method, pathAndQuery, content, header);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        return await S3Answer.ReadAsync(response, cancellationToken).ConfigureAwait(false);
    }

    // The workload's names are plain ASCII (bucket, lin/kN): escaping each segment keeps the path canonical.
    private static string Path(string bucket, string? key) =>
        key is null ? "/" + bucket : "/" + bucket + "/" + string.Join('/', key.Split('/').Select(Uri.EscapeDataString));
}
