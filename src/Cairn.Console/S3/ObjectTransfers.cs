using System.Net.Http.Headers;
using Amazon.S3.Model;
using Cairn.WebConsole.Hosting;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Cairn.WebConsole.S3;

/// <summary>
/// Object bytes between the browser and the node, streamed through the console: an upload's body (a whole small file,
/// or one part of a multipart upload) goes to PutObject / UploadPart as it arrives, a download's body back as S3 sends it.
/// Nothing is held beyond the socket buffers. The browser's upload script (assets/upload.js) drives the multipart flow:
/// start, parts three at a time (a failed part is sent again under the same upload id), complete.
/// </summary>
public sealed class ObjectTransfers(SignedRequests requests)
{
    public async Task PutObjectAsync(HttpContext http, string bucket, string key)
    {
        var etag = await SendBodyAsync(http, SignedRequests.ObjectPath(bucket, key)).ConfigureAwait(false);
        await http.Response.WriteAsJsonAsync(new { etag }).ConfigureAwait(false);
    }

    public async Task StartUploadAsync(HttpContext http, string bucket, string key, string? type)
    {
        var started = await http.Session().S3.InitiateMultipartUploadAsync(
            new InitiateMultipartUploadRequest { BucketName = bucket, Key = key, ContentType = string.IsNullOrEmpty(type) ? null : type }, http.RequestAborted).ConfigureAwait(false);
        await http.Response.WriteAsJsonAsync(new { uploadId = started.UploadId }).ConfigureAwait(false);
    }

    public async Task UploadPartAsync(HttpContext http, string bucket, string key, string uploadId, int partNumber)
    {
        var path = SignedRequests.ObjectPath(bucket, key) + $"?partNumber={partNumber}&uploadId={Uri.EscapeDataString(uploadId)}";
        var etag = await SendBodyAsync(http, path).ConfigureAwait(false);
        await http.Response.WriteAsJsonAsync(new { partNumber, etag }).ConfigureAwait(false);
    }

    public async Task CompleteUploadAsync(HttpContext http, string bucket, string key, string uploadId, CompletedParts body)
    {
        var request = new CompleteMultipartUploadRequest { BucketName = bucket, Key = key, UploadId = uploadId };
        request.AddPartETags(body.Parts.OrderBy(p => p.PartNumber).Select(p => new PartETag(p.PartNumber, p.ETag)));
        var done = await http.Session().S3.CompleteMultipartUploadAsync(request, http.RequestAborted).ConfigureAwait(false);
        await http.Response.WriteAsJsonAsync(new { etag = done.ETag }).ConfigureAwait(false);
    }

    public async Task AbortUploadAsync(HttpContext http, string bucket, string key, string uploadId)
    {
        await http.Session().S3.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = bucket, Key = key, UploadId = uploadId }, http.RequestAborted).ConfigureAwait(false);
        http.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    public async Task DownloadAsync(HttpContext http, string bucket, string key, string? versionId)
    {
        var path = SignedRequests.ObjectPath(bucket, key) + (string.IsNullOrEmpty(versionId) ? "" : "?versionId=" + Uri.EscapeDataString(versionId));
        using var response = await requests.SendAsync(http.Session().Credentials, HttpMethod.Get, path, null, http.RequestAborted).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw S3ErrorResponse.From(response.StatusCode, await response.Content.ReadAsStringAsync(http.RequestAborted).ConfigureAwait(false));
        var content = response.Content.Headers;
        http.Response.ContentType = content.ContentType?.ToString() ?? "application/octet-stream";
        http.Response.ContentLength = content.ContentLength;
        http.Response.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment") { FileNameStar = key[(key.LastIndexOf('/') + 1)..] }.ToString();
        await using var body = await response.Content.ReadAsStreamAsync(http.RequestAborted).ConfigureAwait(false);
        await body.CopyToAsync(http.Response.Body, http.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Streams the request body to S3 under <paramref name="path"/> (a PUT); returns the ETag S3 gave it.</summary>
    private async Task<string> SendBodyAsync(HttpContext http, string path)
    {
        if (http.Request.ContentLength is not { } length)
            throw new Amazon.S3.AmazonS3Exception("An upload needs its Content-Length.") { StatusCode = System.Net.HttpStatusCode.LengthRequired, ErrorCode = "MissingContentLength" };
        var content = new StreamContent(http.Request.Body);
        content.Headers.ContentLength = length;
        if (http.Request.ContentType is { Length: > 0 } type && MediaTypeHeaderValue.TryParse(type, out var media)) content.Headers.ContentType = media;
        using var response = await requests.SendAsync(http.Session().Credentials, HttpMethod.Put, path, content, http.RequestAborted).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw S3ErrorResponse.From(response.StatusCode, await response.Content.ReadAsStringAsync(http.RequestAborted).ConfigureAwait(false));
        return response.Headers.ETag?.Tag ?? "";
    }
}

/// <summary>The parts of a multipart upload the browser finished, for CompleteMultipartUpload.</summary>
public sealed record CompletedParts(IReadOnlyList<CompletedPart> Parts);

public sealed record CompletedPart(int PartNumber, string ETag);

/// <summary>The routes of <see cref="ObjectTransfers"/>; every state-changing one needs the antiforgery header.</summary>
public static class ObjectTransferRoutes
{
    public static void MapObjectTransfers(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api").AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            await http.RequestServices.GetRequiredService<IAntiforgery>().ValidateRequestAsync(http).ConfigureAwait(false);
            return await next(context).ConfigureAwait(false);
        });
        api.MapPut("/objects", (HttpContext http, ObjectTransfers t, string bucket, string key) => t.PutObjectAsync(http, bucket, key));
        api.MapPost("/uploads", (HttpContext http, ObjectTransfers t, string bucket, string key, string? type) => t.StartUploadAsync(http, bucket, key, type));
        api.MapPut("/uploads/parts", (HttpContext http, ObjectTransfers t, string bucket, string key, string uploadId, int partNumber) =>
            t.UploadPartAsync(http, bucket, key, uploadId, partNumber));
        api.MapPost("/uploads/complete", (HttpContext http, ObjectTransfers t, string bucket, string key, string uploadId, CompletedParts body) =>
            t.CompleteUploadAsync(http, bucket, key, uploadId, body));
        api.MapDelete("/uploads", (HttpContext http, ObjectTransfers t, string bucket, string key, string uploadId) => t.AbortUploadAsync(http, bucket, key, uploadId));
        endpoints.MapGet("/download", (HttpContext http, ObjectTransfers t, string bucket, string key, string? versionId) => t.DownloadAsync(http, bucket, key, versionId));
    }
}
