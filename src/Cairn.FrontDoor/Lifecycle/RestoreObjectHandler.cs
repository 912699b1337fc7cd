using System.Globalization;
using System.Xml.Linq;
using Cairn.Core.Errors;
using Cairn.Core.Names;
using Cairn.Core.StorageClasses;
using Cairn.Core.Time;
using Cairn.FrontDoor.Buckets;
using Cairn.FrontDoor.Routing;
using Cairn.FrontDoor.Objects;
using Cairn.FrontDoor.Xml;
using Cairn.Index.Buckets;
using Cairn.Index.Objects;
using Cairn.Index.Records;

namespace Cairn.FrontDoor.Lifecycle;

/// <summary>
/// RestoreObject (POST ?restore): asks for a temporary readable copy of an archived version. The copy
/// becomes readable after the class's retrieval delay for the tier, and stays so for the requested
/// days. 202 for a new request, 409 while one is in progress, 200 when it extends a live copy.
/// </summary>
public sealed class RestoreObjectHandler(BucketCatalog buckets, ObjectCatalog objects)
{
    private const int MaxDays = 2_147_483;

    public async Task HandleAsync(S3Request s3)
    {
        await buckets.RequireAsync(s3.Bucket!, s3.Aborted).ConfigureAwait(false);
        var key = ObjectKey.Parse(s3.Key!).Value;
        var versionId = s3.Query["versionId"].ToString();
        var version = await objects.LoadReadableAsync(s3.Bucket!, key, versionId.Length > 0 ? versionId : null, s3.Aborted).ConfigureAwait(false);
        var (days, tier) = ParseRequest(S3XmlBody.Parse(await SmallBody.ReadAsync(s3, BodyLimit.Configuration).ConfigureAwait(false)));
        // Pinned to the version just resolved; its class and restore state are checked in the shard, where a transition cannot move it meanwhile.
        var (updated, status) = await objects.RestoreAsync(s3.Bucket!, key, version.VersionId, days, tier, s3.Aborted).ConfigureAwait(false);
        if (updated.VersionId != VersionIds.Null) s3.Response.Headers["x-amz-version-id"] = updated.VersionId;
        s3.Response.StatusCode = status;
    }

    /// <summary>RestoreRequest: Days (required) and GlacierJobParameters/Tier (Standard when absent). SELECT restores are not served.</summary>
    internal static (int Days, string Tier) ParseRequest(XDocument doc)
    {
        var root = doc.Root;
        if (root?.Name.LocalName != "RestoreRequest") throw new S3Exception(S3ErrorCode.MalformedXML);
        if (root.Child("Type") is not null || root.Child("SelectParameters") is not null)
            throw new S3Exception(S3ErrorCode.NotImplemented, "SELECT restore requests are not supported.");
        var daysText = root.Child("Days")?.Value
            ?? throw new S3Exception(S3ErrorCode.MalformedXML, "Days is required for a restore request.");
        if (!int.TryParse(daysText, NumberStyles.None, CultureInfo.InvariantCulture, out var days) || days < 1 || days > MaxDays)
            throw new S3Exception(S3ErrorCode.InvalidArgument, "Days must be a positive integer.");
        var tier = root.Child("GlacierJobParameters") is { } job ? job.Child("Tier")?.Value ?? "Standard" : root.Child("Tier")?.Value ?? "Standard";
        if (tier is not ("Standard" or "Bulk" or "Expedited")) throw new S3Exception(S3ErrorCode.MalformedXML, $"'{tier}' is not a retrieval tier.");
        return (days, tier);
    }

}
