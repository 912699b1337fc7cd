using System.Globalization;
using Cairn.Core.Checksums;
using Cairn.Core.Names;
using Cairn.FrontDoor.Routing;
using Cairn.FrontDoor.Xml;
using Cairn.Index.Buckets;
using Cairn.Index.Objects;
using Cairn.Index.Records;

namespace Cairn.FrontDoor.Objects;

/// <summary>
/// GetObjectAttributes (GET ?attributes): what HeadObject and ListParts would tell of one version, in one XML document,
/// holding only the attributes asked for. A current delete marker is 404 NoSuchKey, a named one 405, as for GetObject.
/// </summary>
public sealed class ObjectAttributesHandler(ObjectCatalog objects, Encryption.DataKeys keys)
{
    public async Task GetAsync(S3Request s3)
    {
        await s3.BucketAsync().ConfigureAwait(false);
        var key = ObjectKey.Parse(s3.Key!).Value;
        var request = ObjectAttributesRequest.Parse(s3);
        var versionId = s3.Query["versionId"].ToString();
        var version = await objects.LoadReadableAsync(s3.Bucket!, key, versionId.Length > 0 ? versionId : null, s3.Aborted).ConfigureAwait(false);
        // As GET and HEAD: an SSE-C object's attributes are told only to a request bringing its key.
        keys.Open(version.Encryption, s3.Request);

        s3.Response.Headers.LastModified = version.LastModified.ToString("R", CultureInfo.InvariantCulture);
        if (version.VersionId != VersionIds.Null) s3.Response.Headers["x-amz-version-id"] = version.VersionId;
        using var xml = new S3Xml("GetObjectAttributesResponse");
        // S3 writes the ETag here without the quotes it has in headers.
        if (request.Wants(ObjectAttribute.ETag)) xml.Element("ETag", version.ETag.Trim('"'));
        if (request.Wants(ObjectAttribute.Checksum)) WriteChecksum(xml, version);
        if (request.Wants(ObjectAttribute.ObjectParts) && version.CompletedParts() is { } parts) WriteParts(xml, version, parts, request);
        if (request.Wants(ObjectAttribute.StorageClass)) xml.Element("StorageClass", version.StorageClass);
        if (request.Wants(ObjectAttribute.ObjectSize)) xml.Element("ObjectSize", version.Size);
        await xml.WriteToAsync(s3.Response).ConfigureAwait(false);
    }

    /// <summary>
    /// The object's checksum and its type; a composite one without its "-N" part count, which S3 reports in headers
    /// but not here. Nothing for an object stored without a checksum.
    /// </summary>
    private static void WriteChecksum(S3Xml xml, VersionRecord version)
    {
        if (version.ChecksumType() is not { } type) return;
        xml.Open("Checksum");
        WriteChecksumValues(xml, version.Checksums, value => value.Split('-')[0]);
        xml.Element("ChecksumType", type).Close();
    }

    /// <summary>
    /// PartsCount always; the parts themselves only for a composite checksum, where each part's checksum is part of the
    /// object's (S3 lists none for an object without checksums or with a FULL_OBJECT one).
    /// </summary>
    private static void WriteParts(S3Xml xml, VersionRecord version, IReadOnlyList<ObjectPart> parts, ObjectAttributesRequest request)
    {
        // In the order of S3's published response syntax: the paging elements, the parts, then PartsCount.
        xml.Open("ObjectParts");
        if (version.ChecksumType() == "COMPOSITE")
        {
            var after = parts.Where(p => p.PartNumber > request.PartNumberMarker).ToList();
            var page = after.Take(request.MaxParts).ToList();
            xml.Element("IsTruncated", after.Count > page.Count).Element("MaxParts", request.MaxParts)
                .Element("NextPartNumberMarker", page.Count > 0 ? page[^1].PartNumber : request.PartNumberMarker)
                .Element("PartNumberMarker", request.PartNumberMarker);
            foreach (var part in page)
            {
                xml.Open("Part");
                WriteChecksumValues(xml, part.Checksums, value => value);
                xml.Element("PartNumber", part.PartNumber).Element("Size", part.Size).Close();
            }
        }
        xml.Element("PartsCount", parts.Count);
        xml.Close();
    }

    /// <summary>ChecksumCRC32, ChecksumCRC32C, ChecksumCRC64NVME, ChecksumSHA1, ChecksumSHA256: the order of S3's schema.</summary>
    private static void WriteChecksumValues(S3Xml xml, IReadOnlyDictionary<string, string> checksums, Func<string, string> shown)
    {
        foreach (var algorithm in ChecksumAlgorithms.All)
            if (checksums.TryGetValue(algorithm.Name(), out var value)) xml.Element("Checksum" + algorithm.Name(), shown(value));
    }
}
