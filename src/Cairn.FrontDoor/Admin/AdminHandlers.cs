using System.Text.Json;
using Cairn.Auth;
using Cairn.Core.Errors;
using Cairn.Data.Blobs;
using Cairn.Index.Buckets;
using Cairn.Index.Objects;
using Microsoft.AspNetCore.Http;

namespace Cairn.FrontDoor.Admin;

/// <summary>
/// The operator's API under /_cairn/admin/v1/ (a path no bucket can have: '_' is not allowed in
/// bucket names). Every call must be SigV4-signed with the root credentials; answers are JSON.
/// </summary>
public sealed class AdminHandlers(BucketCatalog buckets, BucketUsage usage, BlobStore blobs, ServerInfo server, FrontDoorOptions options)
{
    public const string Prefix = "/_cairn/admin/v1/";

    public static bool IsAdminPath(HttpRequest request) => request.Path.StartsWithSegments("/_cairn", StringComparison.Ordinal);

    public async Task HandleAsync(HttpContext http, AuthResult auth)
    {
        if (auth.AccessKey != options.AccessKey) throw new S3Exception(S3ErrorCode.AccessDenied);
        var path = http.Request.Path.Value ?? "";
        if (!HttpMethods.IsGet(http.Request.Method)) throw new S3Exception(S3ErrorCode.MethodNotAllowed);
        object result = path switch
        {
            Prefix + "info" => await InfoAsync(http.RequestAborted).ConfigureAwait(false),
            Prefix + "usage" => await UsageAsync(http.Request.Query["bucket"].ToString(), http.RequestAborted).ConfigureAwait(false),
            _ => throw new S3Exception(S3ErrorCode.NotImplemented, $"Unknown admin call {path}"),
        };
        http.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(http.Response.Body, result, result.GetType(), AdminJson.Options, http.RequestAborted).ConfigureAwait(false);
    }

    private async Task<AdminInfo> InfoAsync(CancellationToken cancellationToken)
    {
        var figures = await MeasureAsync(null, cancellationToken).ConfigureAwait(false);
        return new AdminInfo(
            server.Version,
            (long)(DateTimeOffset.UtcNow - server.Started).TotalSeconds,
            server.DataPath,
            blobs.Drives.Values.Select(d => d.Stats()).Select(s => new AdminDrive(s.DriveId, s.Path, s.TotalBytes, s.FreeBytes)).ToArray(),
            figures.Count,
            figures.Sum(f => f.Objects),
            figures.Sum(f => f.TotalBytes));
    }

    private async Task<AdminUsage> UsageAsync(string bucket, CancellationToken cancellationToken)
    {
        if (bucket.Length > 0) await buckets.RequireAsync(bucket, cancellationToken).ConfigureAwait(false);
        var figures = await MeasureAsync(bucket.Length > 0 ? bucket : null, cancellationToken).ConfigureAwait(false);
        return new AdminUsage(figures.Select(f => new AdminBucketUsage(f.Bucket, f.Objects, f.LiveBytes, f.NoncurrentVersions, f.NoncurrentBytes, f.DeleteMarkers, f.IncompleteUploadParts, f.IncompleteUploadBytes, f.TotalBytes)).ToArray());
    }

    private async Task<List<BucketUsageFigures>> MeasureAsync(string? only, CancellationToken cancellationToken)
    {
        var result = new List<BucketUsageFigures>();
        await foreach (var bucket in buckets.ListAsync(cancellationToken).ConfigureAwait(false))
            if (only is null || bucket.Name == only)
                result.Add(await usage.MeasureAsync(bucket.Name, cancellationToken).ConfigureAwait(false));
        return result;
    }
}

/// <summary>Facts about this server process that the admin API reports.</summary>
public sealed record ServerInfo(string Version, DateTimeOffset Started, string DataPath);

public sealed record AdminDrive(string Id, string Path, long TotalBytes, long FreeBytes);

public sealed record AdminInfo(string Version, long UptimeSeconds, string DataPath, AdminDrive[] Drives, int Buckets, long Objects, long Bytes);

public sealed record AdminBucketUsage(string Bucket, long Objects, long LiveBytes, long NoncurrentVersions, long NoncurrentBytes, long DeleteMarkers,
    long IncompleteUploadParts, long IncompleteUploadBytes, long TotalBytes);

public sealed record AdminUsage(AdminBucketUsage[] Buckets);

public static class AdminJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { WriteIndented = true };
}
