using System.Net;
using System.Security.Cryptography;
using System.Security;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Cairn.Checking.Tests;

/// <summary>
/// A tiny in-memory S3 endpoint (one unversioned bucket's objects, conditional writes and deletes, ListObjectsV2) that
/// ignores signatures. With <c>staleReads</c> above zero it answers that share of GETs with the value the key held before
/// its last change: a fault the checker must catch, to show the recording harness can fail.
/// </summary>
internal sealed class StubS3Endpoint : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly Lock gate = new();
    private readonly Dictionary<string, string> current = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string?> previous = new(StringComparer.Ordinal);
    private readonly Random random = new(7);
    private readonly double staleReads;

    private StubS3Endpoint(double staleReads)
    {
        this.staleReads = staleReads;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        app = builder.Build();
        app.Run(HandleAsync);
    }

    public Uri Endpoint => new(app.Urls.First());

    public static async Task<StubS3Endpoint> StartAsync(double staleReads)
    {
        var stub = new StubS3Endpoint(staleReads);
        await stub.app.StartAsync();
        return stub;
    }

    public ValueTask DisposeAsync() => app.DisposeAsync();

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var segments = request.Path.Value!.TrimStart('/').Split('/', 2);
        var key = segments.Length == 2 ? Uri.UnescapeDataString(segments[1]) : null;
        var body = await new StreamReader(request.Body).ReadToEndAsync();
        var (status, etag, content) = key is null ? Bucket(request) : Object(request.Method, key, body, request.Headers.IfMatch.ToString(), request.Headers.IfNoneMatch.ToString());
        context.Response.StatusCode = status;
        if (etag is not null) context.Response.Headers.ETag = etag;
        if (content is not null) await context.Response.WriteAsync(content);
    }

    private (int, string?, string?) Bucket(HttpRequest request)
    {
        if (request.Method != "GET") return ((int)(request.Method == "DELETE" ? HttpStatusCode.NoContent : HttpStatusCode.OK), null, null);
        var prefix = request.Query["prefix"].ToString();
        var xml = new StringBuilder("<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><IsTruncated>false</IsTruncated>");
        lock (gate)
            foreach (var (key, value) in current.Where(p => p.Key.StartsWith(prefix, StringComparison.Ordinal)).OrderBy(p => p.Key, StringComparer.Ordinal))
                xml.Append($"<Contents><Key>{SecurityElement.Escape(key)}</Key><ETag>{SecurityElement.Escape(ETag(value))}</ETag></Contents>");
        return (200, null, xml.Append("</ListBucketResult>").ToString());
    }

    private (int, string?, string?) Object(string method, string key, string body, string ifMatch, string ifNoneMatch)
    {
        lock (gate)
        {
            var exists = current.TryGetValue(key, out var value);
            if (method == "GET")
            {
                if (previous.TryGetValue(key, out var old) && random.NextDouble() < staleReads) (exists, value) = (old is not null, old);
                return exists ? (200, ETag(value!), value) : Error(404, "NoSuchKey");
            }
            if (ifNoneMatch == "*" && exists) return Error(412, "PreconditionFailed");
            if (ifMatch.Length > 0 && !exists) return Error(404, "NoSuchKey");
            if (ifMatch.Length > 0 && ifMatch != ETag(value!)) return Error(412, "PreconditionFailed");
            previous[key] = exists ? value : null;
            if (method == "DELETE")
            {
                current.Remove(key);
                return (204, null, null);
            }
            current[key] = body;
            return (200, ETag(body), null);
        }
    }

    private static (int, string?, string?) Error(int status, string code) => (status, null, $"<Error><Code>{code}</Code></Error>");

    private static string ETag(string body) => $"\"{Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(body)))}\"";
}
