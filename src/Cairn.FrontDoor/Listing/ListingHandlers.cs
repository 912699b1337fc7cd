using System.Text;
using Cairn.Core.Errors;
using Cairn.Core.Names;
using Cairn.FrontDoor.Buckets;
using Cairn.FrontDoor.Lifecycle;
using Cairn.FrontDoor.Routing;
using Cairn.FrontDoor.Xml;
using Cairn.Index.Buckets;
using Cairn.Index.Objects;

namespace Cairn.FrontDoor.Listing;

/// <summary>ListObjects (v1, marker-based), ListObjectsV2 (continuation tokens) and ListObjectVersions.</summary>
public sealed class ListingHandlers(ObjectLister lister, VersionLister versionLister, Owner owner, ArchiveAccess archive)
{
    public async Task ListV2Async(S3Request s3)
    {
        await RequireBucketAsync(s3).ConfigureAwait(false);
        var restoreStatus = OptionalObjectAttributes.WantsRestoreStatus(s3);
        var q = s3.Query;
        var prefix = q["prefix"].ToString();
        var delimiter = NullIfEmpty(q["delimiter"].ToString());
        var startAfter = NullIfEmpty(q["start-after"].ToString());
        var token = NullIfEmpty(q["continuation-token"].ToString());
        var maxKeys = MaxKeys(q["max-keys"].ToString());
        var url = EncodingType(q["encoding-type"].ToString());
        var fetchOwner = q["fetch-owner"].ToString() == "true";
        var marker = token is not null ? DecodeToken(token) : startAfter;
        var page = await lister.ListAsync(s3.Bucket!, prefix, delimiter, marker, maxKeys, s3.Aborted).ConfigureAwait(false);

        using var xml = new S3Xml("ListBucketResult");
        // Elements in the order S3 writes them (see tests/Cairn.FrontDoor.Tests/Schemas/S3Responses.xsd).
        xml.Element("Name", s3.Bucket).Element("Prefix", Encode(prefix, url)).Element("StartAfter", Encode(startAfter, url))
            .Element("ContinuationToken", token).Element("NextContinuationToken", page.IsTruncated ? EncodeToken(page.NextMarker!) : null)
            .Element("KeyCount", page.Objects.Count + page.CommonPrefixes.Count).Element("MaxKeys", maxKeys)
            .Element("Delimiter", Encode(delimiter, url)).Element("EncodingType", url ? "url" : null).Element("IsTruncated", page.IsTruncated);
        WriteContents(xml, page, url, fetchOwner, restoreStatus);
        await xml.WriteToAsync(s3.Response).ConfigureAwait(false);
    }

    public async Task ListV1Async(S3Request s3)
    {
        await RequireBucketAsync(s3).ConfigureAwait(false);
        var restoreStatus = OptionalObjectAttributes.WantsRestoreStatus(s3);
        var q = s3.Query;
        var prefix = q["prefix"].ToString();
        var delimiter = NullIfEmpty(q["delimiter"].ToString());
        var marker = NullIfEmpty(q["marker"].ToString());
        var maxKeys = MaxKeys(q["max-keys"].ToString());
        var url = EncodingType(q["encoding-type"].ToString());
        var page = await lister.ListAsync(s3.Bucket!, prefix, delimiter, marker, maxKeys, s3.Aborted).ConfigureAwait(false);

        using var xml = new S3Xml("ListBucketResult");
        xml.Element("Name", s3.Bucket).Element("Prefix", Encode(prefix, url)).Element("Marker", Encode(marker ?? "", url))
            .Element("NextMarker", page.IsTruncated ? Encode(page.NextMarker, url) : null).Element("MaxKeys", maxKeys)
            .Element("Delimiter", Encode(delimiter, url)).Element("EncodingType", url ? "url" : null).Element("IsTruncated", page.IsTruncated);
        WriteContents(xml, page, url, fetchOwner: true, restoreStatus);
        await xml.WriteToAsync(s3.Response).ConfigureAwait(false);
    }

    public async Task ListVersionsAsync(S3Request s3)
    {
        await RequireBucketAsync(s3).ConfigureAwait(false);
        var restoreStatus = OptionalObjectAttributes.WantsRestoreStatus(s3);
        var q = s3.Query;
        var prefix = q["prefix"].ToString();
        var delimiter = NullIfEmpty(q["delimiter"].ToString());
        var keyMarker = NullIfEmpty(q["key-marker"].ToString());
        var versionIdMarker = NullIfEmpty(q["version-id-marker"].ToString());
        if (versionIdMarker is not null && keyMarker is null)
            throw new S3Exception(S3ErrorCode.InvalidArgument, "A version-id marker cannot be specified without a key marker.")
            {
                Details = new Dictionary<string, string> { ["ArgumentName"] = "version-id-marker", ["ArgumentValue"] = versionIdMarker },
            };
        var maxKeys = MaxKeys(q["max-keys"].ToString());
        var url = EncodingType(q["encoding-type"].ToString());
        var page = await versionLister.ListAsync(s3.Bucket!, prefix, delimiter, keyMarker, versionIdMarker, maxKeys, s3.Aborted).ConfigureAwait(false);

        using var xml = new S3Xml("ListVersionsResult");
        xml.Element("Name", s3.Bucket).Element("Prefix", Encode(prefix, url)).Element("KeyMarker", Encode(keyMarker ?? "", url))
            .Element("VersionIdMarker", versionIdMarker ?? "");
        if (page.IsTruncated)
            xml.Element("NextKeyMarker", Encode(page.NextKeyMarker, url)).Element("NextVersionIdMarker", page.NextVersionIdMarker);
        xml.Element("MaxKeys", maxKeys).Element("Delimiter", Encode(delimiter, url)).Element("EncodingType", url ? "url" : null)
            .Element("IsTruncated", page.IsTruncated);
        foreach (var v in page.Versions)
        {
            xml.Open(v.Version.IsDeleteMarker ? "DeleteMarker" : "Version").Element("Key", Encode(v.Key, url))
                .Element("VersionId", v.Version.VersionId).Element("IsLatest", v.IsLatest).Element("LastModified", v.Version.LastModified);
            if (!v.Version.IsDeleteMarker)
            {
                xml.Element("ETag", v.Version.ETag).ChecksumAlgorithms(v.Version.Checksums).Element("Size", v.Version.Size)
                    .Element("StorageClass", v.Version.StorageClass);
            }
            xml.Open("Owner").Element("ID", owner.Id).Element("DisplayName", owner.DisplayName).Close();
            if (restoreStatus) archive.WriteRestoreStatus(xml, v.Version); // never for a delete marker: it has no restore
            xml.Close();
        }
        foreach (var p in page.CommonPrefixes) xml.Open("CommonPrefixes").Element("Prefix", Encode(p, url)).Close();
        await xml.WriteToAsync(s3.Response).ConfigureAwait(false);
    }

    private void WriteContents(S3Xml xml, ListPage page, bool url, bool fetchOwner, bool restoreStatus)
    {
        foreach (var o in page.Objects)
        {
            xml.Open("Contents").Element("Key", Encode(o.Key, url)).Element("LastModified", o.Version.LastModified)
                .Element("ETag", o.Version.ETag).ChecksumAlgorithms(o.Version.Checksums).Element("Size", o.Version.Size);
            if (fetchOwner) xml.Open("Owner").Element("ID", owner.Id).Element("DisplayName", owner.DisplayName).Close();
            xml.Element("StorageClass", o.Version.StorageClass);
            if (restoreStatus) archive.WriteRestoreStatus(xml, o.Version);
            xml.Close();
        }
        foreach (var p in page.CommonPrefixes) xml.Open("CommonPrefixes").Element("Prefix", Encode(p, url)).Close();
    }

    private async Task RequireBucketAsync(S3Request s3)
    {
        if (!BucketName.IsValid(s3.Bucket!)) throw BucketCatalog.NoSuchBucket(s3.Bucket!);
        await s3.BucketAsync().ConfigureAwait(false);
    }

    internal static int MaxKeys(string text)
    {
        if (text.Length == 0) return 1000;
        if (!int.TryParse(text, out var n) || n < 0)
            throw new S3Exception(S3ErrorCode.InvalidArgument, "Provided max-keys not an integer or within integer range")
            {
                Details = new Dictionary<string, string> { ["ArgumentName"] = "max-keys", ["ArgumentValue"] = text },
            };
        return Math.Min(n, 1000);
    }

    internal static bool EncodingType(string text) => text switch
    {
        "" => false,
        "url" => true,
        _ => throw new S3Exception(S3ErrorCode.InvalidArgument, "Invalid Encoding Method specified in Request")
        {
            Details = new Dictionary<string, string> { ["ArgumentName"] = "encoding-type", ["ArgumentValue"] = text },
        },
    };

    /// <summary>encoding-type=url: each path segment percent-encoded, slashes kept.</summary>
    internal static string? Encode(string? value, bool url) =>
        value is null || !url ? value : string.Join("/", value.Split('/').Select(Uri.EscapeDataString));

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    private static string EncodeToken(string marker) => Convert.ToBase64String(Encoding.UTF8.GetBytes(marker));

    private static string DecodeToken(string token)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(token));
        }
        catch (FormatException)
        {
            throw new S3Exception(S3ErrorCode.InvalidArgument, "The continuation token provided is incorrect")
            {
                Details = new Dictionary<string, string> { ["ArgumentName"] = "continuation-token" },
            };
        }
    }
}
