using System.Globalization;
using System.Security.Cryptography;
using Cairn.Core.Checksums;
using Cairn.Core.Errors;
using Cairn.Core.Names;
using Cairn.Data.Blobs;
using Cairn.FrontDoor.Buckets;
using Cairn.FrontDoor.Encryption;
using Cairn.FrontDoor.Listing;
using Cairn.FrontDoor.Objects;
using Cairn.FrontDoor.Lifecycle;
using Cairn.FrontDoor.Routing;
using Cairn.FrontDoor.Xml;
using Cairn.Index.Buckets;
using Cairn.Index.Objects;
using Cairn.Index.Records;
using Cairn.Index.Uploads;

namespace Cairn.FrontDoor.Multipart;

/// <summary>
/// CreateMultipartUpload, UploadPart, UploadPartCopy, ListParts, ListMultipartUploads,
/// AbortMultipartUpload and CompleteMultipartUpload.
/// </summary>
public sealed class MultipartHandlers(ObjectCatalog objects, UploadCatalog uploads, ObjectWriter writer, ObjectReader reader, ArchiveAccess archive, ExpirationHeader expiration,
    BlobStore blobs, BodyMd5Factory md5s, Owner owner, FrontDoorOptions options, DataKeys keys, Identity.CanonicalIds ids, TimeProvider time)
{
    public const int MaxPartNumber = 10_000;
    public const long MaxPartSize = 5L * 1024 * 1024 * 1024;

    public async Task CreateAsync(S3Request s3)
    {
        var access = await s3.BucketAsync().ConfigureAwait(false);
        var (bucket, defaultEncryption) = (access.Bucket, access.DefaultEncryption);
        UnsupportedFeatures.CheckObjectWrite(s3.Request);
        var acl = Acl.RequestedAcl.ForObject(s3.Request.Headers, access, ids);
        var key = ObjectKey.Parse(s3.Key!).Value;
        // One data key for the whole upload: every part is sealed under it, each part with its own nonce prefix.
        var sealing = keys.Create(RequestedEncryption.From(s3.Request), defaultEncryption);
        var algorithm = ChecksumRequest.Algorithm(s3.Header("x-amz-checksum-algorithm"));
        var checksumType = ChecksumType(s3.Header("x-amz-checksum-type"), algorithm);
        var (retention, legalHold) = ObjectLock.ObjectLockHeaders.Read(s3.Request);
        var upload = await uploads.CreateAsync(s3.Bucket!, new UploadRecord
        {
            UploadId = "",
            Key = key,
            Initiated = time.GetUtcNow(),
            StorageClass = ObjectWriter.StorageClass(s3.Request),
            ContentType = s3.Request.ContentType,
            Headers = ObjectHeaders.StoredHeaders(s3.Request),
            Metadata = ObjectHeaders.UserMetadata(s3.Request),
            Tags = ObjectTags.FromHeader(s3.Request),
            ChecksumAlgorithm = algorithm?.Name(),
            ChecksumType = checksumType,
            Retention = retention,
            LegalHold = legalHold,
            Encryption = sealing?.Record,
            Acl = acl,
        }, s3.Aborted).ConfigureAwait(false);
        EncryptionHeaders.Write(s3.Response, upload.Encryption, sealing?.Customer, withContext: true);
        if (upload.ChecksumAlgorithm is not null)
        {
            s3.Response.Headers["x-amz-checksum-algorithm"] = upload.ChecksumAlgorithm;
            s3.Response.Headers["x-amz-checksum-type"] = upload.ChecksumType;
        }
        using var xml = new S3Xml("InitiateMultipartUploadResult");
        xml.Element("Bucket", s3.Bucket).Element("Key", key).Element("UploadId", upload.UploadId);
        await xml.WriteToAsync(s3.Response).ConfigureAwait(false);
    }

    public async Task UploadPartAsync(S3Request s3)
    {
        var bucket = (await s3.BucketAsync().ConfigureAwait(false)).Bucket;
        UnsupportedFeatures.CheckPartWrite(s3.Request);
        var (key, uploadId, partNumber) = PartAddress(s3);
        var upload = await uploads.RequireAsync(s3.Bucket!, key, uploadId, s3.Aborted).ConfigureAwait(false);
        if (ObjectWriter.DeclaredLength(s3.Request) > MaxPartSize) throw new S3Exception(S3ErrorCode.EntityTooLarge);
        // The parts of an object that will be locked (asked for, or the bucket's default) come with an end-to-end check, as S3 requires.
        if (upload.Retention is not null || upload.LegalHold is not null
            || bucket.ObjectLock?.DefaultRetention is not null)
            ObjectLock.ObjectLockHeaders.RequireIntegrityCheck(s3.Request,
                "Content-MD5 OR x-amz-checksum- HTTP header is required for Put Part requests with Object Lock parameters");
        var sealing = UploadSealing(s3, upload);
        await using var body = await writer.IngestAsync(s3.Request, s3.Payload, upload.StorageClass, allowInline: false, UploadAlgorithm(upload), sealing, s3.Aborted)
            .ConfigureAwait(false);
        var part = new PartRecord
        {
            PartNumber = partNumber,
            Size = body.Length,
            ETag = SealedETag.Of(body.Md5, sealing),
            LastModified = time.GetUtcNow(),
            Blob = body.Blob!,
            Checksums = body.Checksums,
        };
        await uploads.PutPartAsync(s3.Bucket!, key, uploadId, part, s3.Aborted).ConfigureAwait(false);
        body.Committed();
        if (Observability.RequestRecord.Of(s3.Http) is { } record) record.ObjectSize = part.Size;
        s3.Response.Headers.ETag = part.ETag;
        EncryptionHeaders.Write(s3.Response, upload.Encryption, sealing?.Customer);
        foreach (var (algorithm, value) in part.Checksums) s3.Response.Headers["x-amz-checksum-" + algorithm.ToLowerInvariant()] = value;
    }

    public async Task UploadPartCopyAsync(S3Request s3)
    {
        await s3.BucketAsync().ConfigureAwait(false);
        UnsupportedFeatures.CheckPartWrite(s3.Request);
        var (key, uploadId, partNumber) = PartAddress(s3);
        var upload = await uploads.RequireAsync(s3.Bucket!, key, uploadId, s3.Aborted).ConfigureAwait(false);
        var (sourceBucket, sourceName, sourceVersionId) = CopySource.Parse(s3.Header("x-amz-copy-source")!);
        await s3.Authorization.BucketAsync(sourceBucket).ConfigureAwait(false);
        var source = await objects.LoadReadableAsync(sourceBucket, sourceName, sourceVersionId, s3.Aborted).ConfigureAwait(false);
        var sourceKey = keys.Open(source.Encryption, s3.Request, CustomerKey.CopySourcePrefix);
        var sealing = UploadSealing(s3, upload);
        Preconditions.CheckCopySource(s3.Header, source);
        archive.RequireReadable(source);
        var (offset, length) = CopyRange(s3.Header("x-amz-copy-source-range"), source.Size);
        if (Observability.RequestRecord.Of(s3.Http) is { } record) record.CopySource = new Observability.CopySourceRead(sourceBucket, sourceName, sourceVersionId, source.Size);

        var algorithms = UploadAlgorithm(upload) is { } a ? new[] { a } : [];
        await using var stream = reader.OpenStream(source, sourceKey, offset, length, s3.Aborted);
        await using var digest = new BodyDigest(stream, length, algorithms, md5s);
        using var draft = await writer.WriteBlobAsync(digest, upload.StorageClass, sealing, s3.Aborted).ConfigureAwait(false);
        var md5 = await digest.Md5Async().ConfigureAwait(false);
        var part = new PartRecord
        {
            PartNumber = partNumber,
            Size = length,
            ETag = SealedETag.Of(md5, sealing),
            LastModified = time.GetUtcNow(),
            Blob = draft.Layout,
            Checksums = digest.Checksums().ToDictionary(c => c.Key.Name(), c => c.Value),
        };
        try
        {
            await uploads.PutPartAsync(s3.Bucket!, key, uploadId, part, s3.Aborted).ConfigureAwait(false);
        }
        catch
        {
            await blobs.FreeAsync(draft.Layout).ConfigureAwait(false);
            throw;
        }
        if (source.VersionId != VersionIds.Null) s3.Response.Headers["x-amz-copy-source-version-id"] = source.VersionId;
        EncryptionHeaders.Write(s3.Response, upload.Encryption, sealing?.Customer);
        using var xml = new S3Xml("CopyPartResult");
        xml.Element("LastModified", part.LastModified).Element("ETag", part.ETag).Checksums(part.Checksums);
        await xml.WriteToAsync(s3.Response).ConfigureAwait(false);
    }

    public async Task CompleteAsync(S3Request s3)
    {
        await s3.BucketAsync().ConfigureAwait(false);
        var key = ObjectKey.Parse(s3.Key!).Value;
        var uploadId = s3.Query["uploadId"].ToString();
        var root = S3XmlBody.Parse(await SmallBody.ReadAsync(s3, BodyLimit.CompleteMultipartUpload).ConfigureAwait(false)).Root;
        if (root?.Name.LocalName != "CompleteMultipartUpload") throw new S3Exception(S3ErrorCode.MalformedXML);
        var manifest = new List<ManifestPart>();
        foreach (var part in root.Elements().Where(e => e.Name.LocalName == "Part"))
        {
            var number = part.Child("PartNumber")?.Value;
            var etag = part.Child("ETag")?.Value;
            if (!int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || etag is null) throw new S3Exception(S3ErrorCode.MalformedXML);
            manifest.Add(new ManifestPart(n, etag));
        }
        var version = await uploads.CompleteAsync(s3.Bucket!, key, uploadId, manifest, options.MinimumPartSize,
            (upload, parts) => VerifiedAgainstClaim(s3, Stitch(upload, parts)), WriteConditions.ForWrite(s3), s3.Aborted).ConfigureAwait(false);
        if (version.VersionId != VersionIds.Null) s3.Response.Headers["x-amz-version-id"] = version.VersionId;
        EncryptionHeaders.Write(s3.Response, version.Encryption, customer: null);
        await expiration.WriteAsync(s3, key, version).ConfigureAwait(false);
        using var xml = new S3Xml("CompleteMultipartUploadResult");
        xml.Element("Location", $"/{s3.Bucket}/{key}").Element("Bucket", s3.Bucket).Element("Key", key).Element("ETag", version.ETag);
        xml.Checksums(version.Checksums).Element("ChecksumType", ChecksumAlgorithms.ChecksumType(version.Checksums));
        await xml.WriteToAsync(s3.Response).ConfigureAwait(false);
    }

    public async Task AbortAsync(S3Request s3)
    {
        await s3.BucketAsync().ConfigureAwait(false);
        var key = ObjectKey.Parse(s3.Key!).Value;
        await uploads.AbortAsync(s3.Bucket!, key, s3.Query["uploadId"].ToString(), cancellationToken: s3.Aborted).ConfigureAwait(false);
        s3.Response.StatusCode = 204;
    }

    public async Task ListPartsAsync(S3Request s3)
    {
        await s3.BucketAsync().ConfigureAwait(false);
        var key = ObjectKey.Parse(s3.Key!).Value;
        var uploadId = s3.Query["uploadId"].ToString();
        var upload = await uploads.RequireAsync(s3.Bucket!, key, uploadId, s3.Aborted).ConfigureAwait(false);
        var marker = IntArgument(s3.Query["part-number-marker"].ToString(), "part-number-marker", 0);
        var max = Math.Min(IntArgument(s3.Query["max-parts"].ToString(), "max-parts", 1000), 1000);
        var page = await uploads.ListPartsAsync(s3.Bucket!, key, uploadId, marker, max, s3.Aborted).ConfigureAwait(false);
        using var xml = new S3Xml("ListPartsResult");
        xml.Element("Bucket", s3.Bucket).Element("Key", key).Element("UploadId", uploadId);
        WriteParties(xml);
        xml.Element("StorageClass", upload.StorageClass).Element("PartNumberMarker", marker).Element("NextPartNumberMarker", page.NextPartNumberMarker)
            .Element("MaxParts", max).Element("IsTruncated", page.IsTruncated);
        if (upload.ChecksumAlgorithm is not null) xml.Element("ChecksumAlgorithm", upload.ChecksumAlgorithm).Element("ChecksumType", upload.ChecksumType);
        foreach (var part in page.Parts)
        {
            xml.Open("Part").Element("PartNumber", part.PartNumber).Element("LastModified", part.LastModified).Element("ETag", part.ETag).Element("Size", part.Size);
            xml.Checksums(part.Checksums).Close();
        }
        await xml.WriteToAsync(s3.Response).ConfigureAwait(false);
    }

    public async Task ListUploadsAsync(S3Request s3)
    {
        await s3.BucketAsync().ConfigureAwait(false);
        var q = s3.Query;
        var prefix = q["prefix"].ToString();
        var delimiter = q["delimiter"].ToString() is { Length: > 0 } d ? d : null;
        var keyMarker = q["key-marker"].ToString() is { Length: > 0 } k ? k : null;
        var uploadIdMarker = q["upload-id-marker"].ToString() is { Length: > 0 } u ? u : null;
        var max = Math.Min(IntArgument(q["max-uploads"].ToString(), "max-uploads", 1000), 1000);
        var url = ListingHandlers.EncodingType(q["encoding-type"].ToString());
        var page = await uploads.ListUploadsAsync(s3.Bucket!, prefix, delimiter, keyMarker, uploadIdMarker, max, s3.Aborted).ConfigureAwait(false);
        using var xml = new S3Xml("ListMultipartUploadsResult");
        xml.Element("Bucket", s3.Bucket).Element("KeyMarker", ListingHandlers.Encode(keyMarker ?? "", url)).Element("UploadIdMarker", uploadIdMarker ?? "");
        if (page.IsTruncated) xml.Element("NextKeyMarker", ListingHandlers.Encode(page.NextKeyMarker, url)).Element("NextUploadIdMarker", page.NextUploadIdMarker ?? "");
        // Delimiter before Prefix, as in S3's own examples.
        xml.Element("Delimiter", ListingHandlers.Encode(delimiter, url)).Element("Prefix", ListingHandlers.Encode(prefix, url)).Element("MaxUploads", max)
            .Element("EncodingType", url ? "url" : null).Element("IsTruncated", page.IsTruncated);
        foreach (var listed in page.Uploads)
        {
            xml.Open("Upload").Element("Key", ListingHandlers.Encode(listed.Key, url)).Element("UploadId", listed.Upload.UploadId);
            WriteParties(xml);
            xml.Element("StorageClass", listed.Upload.StorageClass).Element("Initiated", listed.Upload.Initiated);
            if (listed.Upload.ChecksumAlgorithm is not null) xml.Element("ChecksumAlgorithm", listed.Upload.ChecksumAlgorithm);
            xml.Close();
        }
        foreach (var p in page.CommonPrefixes) xml.Open("CommonPrefixes").Element("Prefix", ListingHandlers.Encode(p, url)).Close();
        await xml.WriteToAsync(s3.Response).ConfigureAwait(false);
    }

    /// <summary>The object as S3 builds it from parts: ETag md5-of-md5s-N, composite checksum, parts in order.</summary>
    private VersionRecord Stitch(UploadRecord upload, IReadOnlyList<PartRecord> parts)
    {
        using var md5s = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        foreach (var part in parts) md5s.AppendData(Convert.FromHexString(part.ETag.Trim('"')));
        var checksums = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (upload.ChecksumAlgorithm is { } name && ChecksumAlgorithms.TryParse(name, out var algorithm)
            && parts.All(p => p.Checksums.ContainsKey(algorithm.Name())))
        {
            if (upload.ChecksumType == "FULL_OBJECT")
            {
                // The whole object's CRC, combined from the parts' CRCs and lengths.
                var pieces = parts.Select(p => (Convert.FromBase64String(p.Checksums[algorithm.Name()]), p.Size)).ToList();
                checksums[algorithm.Name()] = Convert.ToBase64String(CrcCombine.Combine(algorithm, pieces));
            }
            else
            {
                var composite = algorithm.Create();
                foreach (var part in parts) composite.Append(Convert.FromBase64String(part.Checksums[algorithm.Name()]));
                checksums[algorithm.Name()] = Convert.ToBase64String(composite.Finish()) + "-" + parts.Count;
            }
        }
        return new VersionRecord
        {
            VersionId = "",
            Sequence = 0,
            LastModified = time.GetUtcNow(),
            Size = parts.Sum(p => p.Size),
            ETag = $"\"{Convert.ToHexStringLower(md5s.GetHashAndReset())}-{parts.Count}\"",
            ContentType = upload.ContentType,
            Headers = upload.Headers,
            Metadata = upload.Metadata,
            Tags = upload.Tags,
            StorageClass = upload.StorageClass,
            Retention = upload.Retention,
            LegalHold = upload.LegalHold,
            Acl = upload.Acl,
            Checksums = checksums,
            Parts = [.. parts],
            Encryption = upload.Encryption,
        };
    }

    /// <summary>
    /// The upload's data key, for a part: an SSE-C upload's parts must bring its customer key again (403 with another), and a
    /// part of any other upload must not bring one.
    /// </summary>
    private ObjectSealing? UploadSealing(S3Request s3, UploadRecord upload)
    {
        var customer = CustomerKey.From(s3.Request.Headers, s3.Request.IsHttps);
        return ObjectSealing.Of(upload.Encryption, keys.Open(upload.Encryption, customer), customer);
    }

    /// <summary>A checksum the client sent with CompleteMultipartUpload must match the one stitched.</summary>
    private static VersionRecord VerifiedAgainstClaim(S3Request s3, VersionRecord version)
    {
        foreach (var (algorithm, value) in version.Checksums)
            if (s3.Header("x-amz-checksum-" + algorithm.ToLowerInvariant()) is { } claimed && claimed != value)
                throw new S3Exception(S3ErrorCode.BadDigest, $"The {algorithm} you specified for the object did not match the calculated checksum.");
        return version;
    }

    /// <summary>COMPOSITE or FULL_OBJECT; S3's defaults are FULL_OBJECT for CRC64NVME and COMPOSITE for the rest.</summary>
    private static string? ChecksumType(string? requested, ChecksumAlgorithm? algorithm)
    {
        if (algorithm is not { } a) return requested is null ? null : throw new S3Exception(S3ErrorCode.InvalidRequest, "x-amz-checksum-type requires x-amz-checksum-algorithm.");
        var type = requested?.ToUpperInvariant() ?? (a == ChecksumAlgorithm.Crc64Nvme ? "FULL_OBJECT" : "COMPOSITE");
        return type switch
        {
            "COMPOSITE" when a != ChecksumAlgorithm.Crc64Nvme => type,
            "FULL_OBJECT" when CrcCombine.Supports(a) => type,
            _ => throw new S3Exception(S3ErrorCode.InvalidRequest, $"The {type} checksum type cannot be used with the {a.Name()} checksum algorithm."),
        };
    }

    private void WriteParties(S3Xml xml)
    {
        xml.Open("Initiator").Element("ID", owner.Id).Element("DisplayName", owner.DisplayName).Close();
        xml.Open("Owner").Element("ID", owner.Id).Element("DisplayName", owner.DisplayName).Close();
    }

    private static ChecksumAlgorithm? UploadAlgorithm(UploadRecord upload) =>
        upload.ChecksumAlgorithm is { } name && ChecksumAlgorithms.TryParse(name, out var a) ? a : null;

    private static (string Key, string UploadId, int PartNumber) PartAddress(S3Request s3)
    {
        var key = ObjectKey.Parse(s3.Key!).Value;
        var text = s3.Query["partNumber"].ToString();
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n is < 1 or > MaxPartNumber)
            throw new S3Exception(S3ErrorCode.InvalidArgument, "Part number must be an integer between 1 and 10000, inclusive")
            {
                Details = new Dictionary<string, string> { ["ArgumentName"] = "partNumber", ["ArgumentValue"] = text },
            };
        return (key, s3.Query["uploadId"].ToString(), n);
    }

    private static (long Offset, long Length) CopyRange(string? header, long size)
    {
        if (header is null) return (0, size);
        var spec = header.StartsWith("bytes=", StringComparison.Ordinal) ? header[6..].Split('-') : [];
        if (spec.Length != 2 || !long.TryParse(spec[0], out var first) || !long.TryParse(spec[1], out var last) || last < first)
            throw new S3Exception(S3ErrorCode.InvalidArgument, "The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy");
        if (last >= size)
            throw new S3Exception(S3ErrorCode.InvalidRange, "The requested range is not satisfiable") { Details = new Dictionary<string, string> { ["ActualObjectSize"] = size.ToString() } };
        return (first, last - first + 1);
    }

    private static int IntArgument(string text, string name, int fallback)
    {
        if (text.Length == 0) return fallback;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n)) return n;
        throw new S3Exception(S3ErrorCode.InvalidArgument, $"Provided {name} not an integer or within integer range")
        {
            Details = new Dictionary<string, string> { ["ArgumentName"] = name, ["ArgumentValue"] = text },
        };
    }
}
