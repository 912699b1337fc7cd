using System.Net.Http.Headers;
using System.Xml.Linq;
using Cairn.Auth;

namespace Cairn.Cli.Bench;

/// <summary>
/// The bench through a lean client, in the spirit of warp's: plain HttpClient requests signed with
/// SigV4 (payload UNSIGNED-PAYLOAD, as SDKs send over TLS), no retries, no SDK pipeline. On a shared
/// machine the load generator's own CPU then takes little from the server it measures.
/// </summary>
public sealed class HttpBenchStore(BenchSettings settings, Credentials credentials) : IBenchStore
{
    private readonly HttpClient http = new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = settings.Concurrency * 2 + 4,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        AllowAutoRedirect = false,
        UseProxy = false,
    })
    { Timeout = TimeSpan.FromMinutes(30) };

    public async Task<bool> CreateBucketAsync(string bucket, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Put, bucket, null, null, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode) return true;
        var failure = await FailureAsync(response, cancellationToken).ConfigureAwait(false);
        return failure.Code == "BucketAlreadyOwnedByYou" ? false : throw failure;
    }

    public Task DeleteBucketAsync(string bucket, CancellationToken cancellationToken) => ExpectSuccessAsync(HttpMethod.Delete, bucket, null, null, cancellationToken);

    public Task PutAsync(string bucket, string key, Stream body, long size, CancellationToken cancellationToken)
    {
        var content = new StreamContent(body, 1024 * 1024);
        content.Headers.ContentLength = size;
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return ExpectSuccessAsync(HttpMethod.Put, bucket, key, content, cancellationToken);
    }

    public async Task<long> GetAsync(string bucket, string key, byte[] buffer, long size, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, bucket, key, null, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode) throw await FailureAsync(response, cancellationToken).ConfigureAwait(false);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var total = await BenchBodies.DrainAsync(stream, buffer, cancellationToken).ConfigureAwait(false);
        BenchBodies.RequireSize(key, total, response.Content.Headers.ContentLength ?? -1, size);
        return total;
    }

    public Task DeleteAsync(string bucket, string key, CancellationToken cancellationToken) => ExpectSuccessAsync(HttpMethod.Delete, bucket, key, null, cancellationToken);

    public void Dispose() => http.Dispose();

    private async Task ExpectSuccessAsync(HttpMethod method, string bucket, string? key, HttpContent? content, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(method, bucket, key, content, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode) throw await FailureAsync(response, cancellationToken).ConfigureAwait(false);
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string bucket, string? key, HttpContent? content, HttpCompletionOption completion,
        CancellationToken cancellationToken)
    {
        // Bench keys are plain ASCII (prefix/wNNN/NNNNNNNNN): escaping each segment keeps the path canonical.
        var path = key is null ? "/" + bucket : "/" + bucket + "/" + string.Join('/', key.Split('/').Select(Uri.EscapeDataString));
        var request = new HttpRequestMessage(method, new Uri(settings.Endpoint, path)) { Content = content };
        SigV4Signer.Sign(request, credentials.AccessKey, credentials.SecretKey, settings.Region, DateTimeOffset.UtcNow,
            payloadSha256Hex: content is null ? null : "UNSIGNED-PAYLOAD");
        return http.SendAsync(request, completion, cancellationToken);
    }

    private static async Task<BenchRequestFailed> FailureAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        string code = response.StatusCode.ToString(), message = response.ReasonPhrase ?? "";
        try
        {
            var error = XDocument.Parse(body).Root;
            code = error?.Element("Code")?.Value ?? code;
            message = error?.Element("Message")?.Value ?? message;
        }
        catch (System.Xml.XmlException)
        {
            // Not S3 error XML (a proxy's page, an empty HEAD-style answer): keep the status.
        }
        return new BenchRequestFailed((int)response.StatusCode, code, message);
    }
}
