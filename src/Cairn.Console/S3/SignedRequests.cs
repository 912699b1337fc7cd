using Cairn.Auth;
using Cairn.WebConsole.Sessions;

namespace Cairn.WebConsole.S3;

/// <summary>
/// Raw SigV4-signed requests to this node, for what the SDK would buffer or does not speak: streamed object bytes,
/// STS sign-in checks and the admin API.
/// </summary>
public sealed class SignedRequests(ConsoleOptions options, LoopbackHttp loopback, TimeProvider time)
{
    /// <summary>The port of this node's S3 endpoint (a presigned link names it, with the host the browser used).</summary>
    public int S3Port => options.S3Endpoint.Port;

    /// <summary>The path of an object (or of a bucket, with a null key), path-style, each segment escaped.</summary>
    public static string ObjectPath(string bucket, string? key) =>
        "/" + Uri.EscapeDataString(bucket) + (key is null ? "" : "/" + string.Join('/', key.Split('/').Select(Uri.EscapeDataString)));

    /// <summary>
    /// Sends a signed request; the response is returned as soon as its headers arrive (the caller streams the body and
    /// disposes it). A body that is a stream is sent as UNSIGNED-PAYLOAD, never buffered.
    /// </summary>
    public Task<HttpResponseMessage> SendAsync(ConsoleCredentials credentials, HttpMethod method, string pathAndQuery, HttpContent? content,
        CancellationToken cancellationToken, string service = "s3")
    {
        var request = new HttpRequestMessage(method, new Uri(options.S3Endpoint, pathAndQuery)) { Content = content };
        SigV4Signer.Sign(request, credentials.AccessKeyId, credentials.SecretKey, options.Region, time.GetUtcNow(), service);
        return loopback.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
    }

    /// <summary>A URL of this node that anyone holding it may GET until it expires, signed with the session's credentials.</summary>
    public Uri Presign(ConsoleCredentials credentials, Uri s3Base, string bucket, string key, string? versionId, TimeSpan expires)
    {
        var url = new Uri(s3Base, ObjectPath(bucket, key) + (versionId is null ? "" : "?versionId=" + Uri.EscapeDataString(versionId)));
        return SigV4Signer.Presign(HttpMethod.Get, url, credentials.AccessKeyId, credentials.SecretKey, options.Region, time.GetUtcNow(), expires);
    }
}
