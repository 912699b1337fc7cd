using System.Globalization;
using System.Security.Cryptography;
using Cairn.Auth;
using Cairn.Core.Checksums;
using Cairn.Core.Errors;
using Cairn.Core.Names;
using Cairn.Core.Encryption;
using Cairn.Data.Blobs;
using Cairn.FrontDoor.Encryption;
using Cairn.FrontDoor.Acl;
using Cairn.FrontDoor.Lifecycle;
using Cairn.FrontDoor.ObjectLock;
using Cairn.FrontDoor.Routing;
using Cairn.FrontDoor.Xml;
using Cairn.Index.Buckets;
using Cairn.Index.Objects;
using Cairn.Index.Records;
using Microsoft.AspNetCore.Http;

namespace Cairn.FrontDoor.Objects;

/// <summary>PutObject, GetObject, HeadObject, DeleteObject and CopyObject.</summary>
public sealed class ObjectHandlers(ObjectCatalog objects, ObjectWriter writer, ObjectReader reader, ArchiveAccess archive,
    ExpirationHeader expiration, BodyMd5Factory md5s, DataKeys keys, Identity.CanonicalIds ids, TimeProvider time)
{
    public async Task PutAsync(S3Request s3)
    {
        // A missing bucket is answered before anything about the request itself, as S3 does.
        var access = await s3.BucketAsync().ConfigureAwait(false);
        var (bucket, lifecycle, defaultEncryption) = (access.Bucket, access.Lifecycle, access.DefaultEncryption);
        if (s3.Request.Headers.ContainsKey("Content-Range"))
            throw new S3Exception(S3ErrorCode.NotImplemented, "Objects are immutable: partial writes (Content-Range on PUT) are not supported.");
        UnsupportedFeatures.CheckObjectWrite(s3.Request);
        var (retention, legalHold) = ObjectLockHeaders.Read(s3.Request);
        // Locked bytes (asked for, or the bucket's default) are taken only with an end-to-end check, as S3 does.
        if (retention is not null || legalHold is not null || bucket.ObjectLock?.DefaultRetention is not null)
            ObjectLockHeaders.RequireIntegrityCheck(s3.Request, "Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests with Object Lock parameters");
        var acl = Acl.RequestedAcl.ForObject(s3.Request.Headers, access, ids);
        var sealing = keys.Create(RequestedEncryption.From(s3.Request), defaultEncryption);
        var version = await writer.PutAsync(s3, s3.Payload, retention, legalHold, acl, sealing, s3.Aborted).ConfigureAwait(false);
        if (Observability.RequestRecord.Of(s3.Http) is { } record) record.ObjectSize = version.Size;
        EncryptionHeaders.Write(s3.Response, version.Encryption, sealing?.Customer, withContext: true);
        var h = s3.Response.Headers;
        h.ETag = version.ETag;
        if (version.VersionId != VersionIds.Null) h["x-amz-version-id"] = version.VersionId;
        ObjectHeaders.WriteChecksumHeaders(s3.Response, version);
        await expiration.WriteAsync(s3, ObjectKey.Parse(s3.Key!).Value, version, lifecycle).ConfigureAwait(false);
        s3.Response.StatusCode = 200;
    }

    public async Task GetAsync(S3Request s3, bool headOnly)
    {
        var (version, lifecycle) = await ResolveAsync(s3).ConfigureAwait(false);
        await ServeAsync(s3, version, headOnly, lifecycle).ConfigureAwait(false);
    }

    /// <summary>
    /// Answers a GET or HEAD of <paramref name="version"/>: preconditions, then its headers and (unless HEAD) its bytes,
    /// the whole or the Range asked for (206). The REST API also honours ?partNumber= and the response-* overrides; a
    /// website endpoint does not, and serves an error document whole with the error's <paramref name="status"/>.
    /// </summary>
    public async Task ServeAsync(S3Request s3, VersionRecord version, bool headOnly, StoredLifecycle? lifecycle, bool restApi = true, int status = 200)
    {
        var whole = status != 200;
        if (Observability.RequestRecord.Of(s3.Http) is { } record) record.ObjectSize = version.Size;
        // An SSE-C object answers only a request that brings its key, before anything else is said about it.
        var dataKey = keys.Open(version.Encryption, s3.Request);
        if (!whole) Preconditions.CheckRead(s3.Header, version);
        if (!headOnly) archive.RequireReadable(version);
        var range = whole ? null
            : restApi && s3.Query.ContainsKey("partNumber") ? PartRange(s3, version)
            : ByteRange.Parse(s3.Header("Range"), version.Size);
        var response = s3.Response;
        ObjectHeaders.WriteObjectHeaders(response, version);
        EncryptionHeaders.Write(response, version.Encryption, CustomerKey.From(s3.Request.Headers, s3.Request.IsHttps));
        ObjectLockHeaders.Write(response, version);
        archive.WriteRestoreHeader(response, version);
        if (restApi)
            await expiration.WriteAsync(s3, ObjectKey.Parse(s3.Key!).Value, version, lifecycle, named: s3.Query["versionId"].ToString().Length > 0).ConfigureAwait(false);
        if (string.Equals(s3.Header("x-amz-checksum-mode"), "ENABLED", StringComparison.OrdinalIgnoreCase) && range is null)
            ObjectHeaders.WriteChecksumHeaders(response, version);
        if (restApi) ApplyResponseOverrides(s3);
        long offset = 0, length = version.Size;
        if (range is { } r)
        {
            response.StatusCode = 206;
            response.Headers.ContentRange = $"bytes {r.First}-{r.Last}/{version.Size}";
            (offset, length) = (r.First, r.Length);
        }
        else response.StatusCode = status;
        response.ContentLength = length;
        if (headOnly) return;
        await reader.WriteToResponseAsync(version, dataKey, offset, length, response).ConfigureAwait(false);
    }

    public async Task DeleteAsync(S3Request s3)
    {
        await s3.BucketAsync().ConfigureAwait(false);
        var key = ObjectKey.Parse(s3.Key!).Value;
        var versionId = s3.Query["versionId"].ToString();
        if (versionId.Length > 0)
        {
            var removed = await objects.DeleteVersionAsync(s3.Bucket!, key, versionId, WriteConditions.ForDelete(s3),
                bypassGovernance: ObjectLockHeaders.BypassesGovernance(s3.Request), cancellationToken: s3.Aborted).ConfigureAwait(false);
            s3.Response.Headers["x-amz-version-id"] = versionId;
            if (removed?.IsDeleteMarker == true) s3.Response.Headers["x-amz-delete-marker"] = "true";
        }
        else if (await objects.DeleteAsync(s3.Bucket!, key, WriteConditions.ForDelete(s3), cancellationToken: s3.Aborted).ConfigureAwait(false) is { } marker)
        {
            // A marker always names its version, "null" ones included (suspended buckets).
            s3.Response.Headers["x-amz-delete-marker"] = "true";
            s3.Response.Headers["x-amz-version-id"] = marker.VersionId;
        }
        s3.Response.StatusCode = 204;
    }

    public async Task CopyAsync(S3Request s3)
    {
        var access = await s3.BucketAsync().ConfigureAwait(false);
        var (bucket, lifecycle, defaultEncryption) = (access.Bucket, access.Lifecycle, access.DefaultEncryption);
        UnsupportedFeatures.CheckObjectWrite(s3.Request);
        var requested = RequestedEncryption.From(s3.Request);
        // S3 copies no ACL: the copy has the one its request asks for, or the default.
        var acl = Acl.RequestedAcl.ForObject(s3.Request.Headers, access, ids);
        var checksum = ChecksumRequest.Algorithm(s3.Header("x-amz-checksum-algorithm"));
        var key = ObjectKey.Parse(s3.Key!).Value;
        var condition = WriteConditions.ForWrite(s3);
        var (retention, legalHold) = ObjectLockHeaders.Read(s3.Request);
        var (sourceBucket, sourceName, sourceVersionId) = CopySource.Parse(s3.Header("x-amz-copy-source")!);
        await s3.Authorization.BucketAsync(sourceBucket).ConfigureAwait(false);
        var source = await objects.LoadReadableAsync(sourceBucket, sourceName, sourceVersionId, s3.Aborted).ConfigureAwait(false);
        var sourceKey = keys.Open(source.Encryption, s3.Request, CustomerKey.CopySourcePrefix);
        Preconditions.CheckCopySource(s3.Header, source);
        archive.RequireReadable(source);
        if (Observability.RequestRecord.Of(s3.Http) is { } record)
            (record.ObjectSize, record.CopySource) = (source.Size, new Observability.CopySourceRead(sourceBucket, sourceName, sourceVersionId, source.Size));

        var replace = Replaces(s3, "x-amz-metadata-directive", "metadata");
        var tags = Replaces(s3, "x-amz-tagging-directive", "tagging") ? ObjectTags.FromHeader(s3.Request) : source.Tags;
        var storageClass = s3.Header("x-amz-storage-class") is null ? source.StorageClass : ObjectWriter.StorageClass(s3.Request);
        if (sourceBucket == s3.Bucket && sourceName == key && !replace && storageClass == source.StorageClass && sourceVersionId is null && requested.IsNone)
            throw new S3Exception(S3ErrorCode.InvalidRequest,
                "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.");

        // The copy is encrypted as its request asks, else as its bucket's default. An SSE-S3 source copied as SSE-S3 keeps
        // its data key (sealed the same way wherever it is), so its stored bytes are the copy's as they are.
        var sealing = keys.Create(requested, defaultEncryption);
        var sameSealing = source.Encryption is null ? sealing is null : IsSseS3(source.Encryption) && sealing is not null && IsSseS3(sealing.Record);
        if (sameSealing && source.Encryption is not null) sealing = new ObjectSealing(source.Encryption, sourceKey!, null);
        BlobDraft? draft = null;
        try
        {
            // A multipart source's parts are shared, not copied, when one range owns both keys (it counts every owner of
            // a blob); across ranges neither could know when the other lets go, so the bytes are copied into one blob.
            // A new checksum is computed over the bytes as they are copied, so asking for one copies them.
            var shareParts = sameSealing && source.Parts is not null && checksum is null && objects.SameRange(sourceBucket, sourceName, s3.Bucket!, key);
            var checksums = source.Checksums;
            var inline = source.Inline;
            byte[]? plaintextMd5 = null;
            if (source.Blob is not null || (source.Parts is not null && !shareParts))
                (draft, checksums, plaintextMd5) = await CopyBytesAsync(s3, source, sourceKey, storageClass, checksum, sealing).ConfigureAwait(false);
            else if (source.Inline is not null && (!sameSealing || checksum is not null))
            {
                var plaintext = await ReadInlineAsync(source, sourceKey).ConfigureAwait(false);
                plaintextMd5 = MD5.HashData(plaintext);
                if (!sameSealing) inline = sealing is null ? plaintext : SealedBlocks.SealSegment(sealing.DataKey, plaintext);
                if (checksum is { } inlineChecksum) checksums = InlineChecksum(plaintext, inlineChecksum);
            }
            var copy = source with
            {
                LastModified = time.GetUtcNow(),
                StorageClass = storageClass,
                ClassSince = null,
                Restore = null,
                ContentType = replace ? s3.Request.ContentType : source.ContentType,
                Headers = replace ? ObjectHeaders.StoredHeaders(s3.Request) : ObjectHeaders.CopiedHeaders(source.Headers, s3.Request),
                Metadata = replace ? ObjectHeaders.UserMetadata(s3.Request) : source.Metadata,
                Tags = tags,
                // A copy is locked as its own request asks (or by its bucket's default), never by the source's lock.
                Retention = retention,
                LegalHold = legalHold,
                Acl = acl,
                Blob = draft?.Layout,
                Parts = shareParts ? source.Parts : null,
                Inline = inline,
                Encryption = sealing?.Record,
                // Sealed another way, the copy's ETag is its own (SSE-C and SSE-KMS ETags are keyed by the data key).
                ETag = sameSealing || plaintextMd5 is null ? source.ETag : SealedETag.OfCopy(source.ETag, plaintextMd5, sealing),
                // Bytes copied under another data key are one sealed segment, whatever parts the source was made of.
                RewrittenParts = draft is not null && sealing is not null ? null : source.RewrittenParts,
                Checksums = checksums,
            };
            VersionRecord version;
            try
            {
                version = await objects.PutAsync(s3.Bucket!, key, copy, condition, sharesBlobs: shareParts, s3.Aborted).ConfigureAwait(false);
            }
            catch (S3Exception e) when (shareParts && e.Code.Code == S3ErrorCode.NoSuchKey.Code)
            {
                // Refused for parts the target's range does not reference. With the source still there, the range split
                // between the check and the write: its bytes are copied instead, as across ranges.
                if (await objects.GetVersionAsync(sourceBucket, sourceName, source.VersionId, s3.Aborted).ConfigureAwait(false) is null) throw;
                (draft, _, _) = await CopyBytesAsync(s3, source, sourceKey, storageClass, null, sealing).ConfigureAwait(false);
                version = await objects.PutAsync(s3.Bucket!, key, copy with { Blob = draft.Layout, Parts = null }, condition, sharesBlobs: false, s3.Aborted)
                    .ConfigureAwait(false);
            }
            if (version.VersionId != VersionIds.Null) s3.Response.Headers["x-amz-version-id"] = version.VersionId;
            if (source.VersionId != VersionIds.Null) s3.Response.Headers["x-amz-copy-source-version-id"] = source.VersionId;
            EncryptionHeaders.Write(s3.Response, version.Encryption, sealing?.Customer, withContext: true);
            await expiration.WriteAsync(s3, key, version, lifecycle).ConfigureAwait(false);
            using var xml = new S3Xml("CopyObjectResult");
            xml.Element("LastModified", version.LastModified).Element("ETag", version.ETag)
                .Element("ChecksumType", ChecksumAlgorithms.ChecksumType(version.Checksums)).Checksums(version.Checksums);
            await xml.WriteToAsync(s3.Response).ConfigureAwait(false);
        }
        finally
        {
            draft?.Dispose();
        }
    }

    /// <summary>
    /// The source's bytes written again, as one blob on the medium of the copy's storage class, with the checksums the
    /// copy carries: the source's, or the one x-amz-checksum-algorithm asked for, computed over the bytes as they pass;
    /// and the MD5 of the plaintext.
    /// </summary>
    private async Task<(BlobDraft Draft, Dictionary<string, string> Checksums, byte[] Md5)> CopyBytesAsync(S3Request s3, VersionRecord source, byte[]? sourceKey,
        string storageClass, ChecksumAlgorithm? checksum, ObjectSealing? sealing)
    {
        await using var bytes = reader.OpenStream(source, sourceKey, s3.Aborted);
        await using var digest = new BodyDigest(bytes, source.Size, checksum is { } a ? [a] : [], md5s);
        var draft = await writer.WriteBlobAsync(digest, storageClass, sealing, s3.Aborted).ConfigureAwait(false);
        return (draft, checksum is null ? source.Checksums : Named(digest.Checksums()), await digest.Md5Async().ConfigureAwait(false));
    }

    private static bool IsSseS3(ObjectEncryption encryption) => encryption is { Algorithm: ObjectEncryption.Aes256, CustomerKey: false };

    /// <summary>The plaintext of a small object kept inline (opened when it is sealed).</summary>
    private async Task<byte[]> ReadInlineAsync(VersionRecord source, byte[]? dataKey)
    {
        var plaintext = new byte[source.Size];
        var at = 0;
        await reader.ReadAsync(source, dataKey, 0, source.Size, (chunk, _) =>
        {
            chunk.CopyTo(plaintext.AsMemory(at));
            at += chunk.Length;
            return ValueTask.CompletedTask;
        }, CancellationToken.None).ConfigureAwait(false);
        return plaintext;
    }

    private static Dictionary<string, string> InlineChecksum(byte[] plaintext, ChecksumAlgorithm algorithm)
    {
        var sum = algorithm.Create();
        sum.Append(plaintext);
        return Named(new Dictionary<ChecksumAlgorithm, string> { [algorithm] = Convert.ToBase64String(sum.Finish()) });
    }

    private static Dictionary<string, string> Named(Dictionary<ChecksumAlgorithm, string> checksums) =>
        checksums.ToDictionary(c => c.Key.Name(), c => c.Value, StringComparer.OrdinalIgnoreCase);

    /// <summary>CopyObject's COPY (the default: keep the source's) or REPLACE (take this request's) directives.</summary>
    private static bool Replaces(S3Request s3, string header, string what) => s3.Header(header) switch
    {
        null or "COPY" => false,
        "REPLACE" => true,
        var other => throw new S3Exception(S3ErrorCode.InvalidArgument, $"Unknown {what} directive.")
        {
            Details = new Dictionary<string, string> { ["ArgumentName"] = header, ["ArgumentValue"] = other },
        },
    };

    private async Task<(VersionRecord Version, StoredLifecycle? Lifecycle)> ResolveAsync(S3Request s3)
    {
        var lifecycle = (await s3.BucketAsync().ConfigureAwait(false)).Lifecycle;
        var key = ObjectKey.Parse(s3.Key!).Value;
        var versionId = s3.Query["versionId"].ToString();
        return (await objects.LoadReadableAsync(s3.Bucket!, key, versionId.Length > 0 ? versionId : null, s3.Aborted).ConfigureAwait(false), lifecycle);
    }

    /// <summary>GET/HEAD ?partNumber=N: the byte range of that part of a multipart object (a plain object has one part).</summary>
    private static ByteRange? PartRange(S3Request s3, VersionRecord version)
    {
        if (s3.Header("Range") is not null) throw new S3Exception(S3ErrorCode.InvalidRequest, "Cannot specify both Range header and partNumber query parameter");
        var text = s3.Query["partNumber"].ToString();
        if (!int.TryParse(text, out var number) || number < 1 || number > 10_000)
            throw new S3Exception(S3ErrorCode.InvalidArgument, "Part number must be an integer between 1 and 10000, inclusive");
        var parts = version.CompletedParts();
        var count = parts?.Count ?? 1;
        if (number > count)
            throw new S3Exception(S3ErrorCode.InvalidPartNumber)
            {
                Details = new Dictionary<string, string>
                {
                    ["PartNumberRequested"] = number.ToString(CultureInfo.InvariantCulture),
                    ["ActualPartCount"] = count.ToString(CultureInfo.InvariantCulture),
                },
            };
        s3.Response.Headers["x-amz-mp-parts-count"] = count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (parts is null) return version.Size == 0 ? null : new ByteRange(0, version.Size - 1);
        var first = parts.Take(number - 1).Sum(p => p.Size);
        return parts[number - 1].Size == 0 ? null : new ByteRange(first, first + parts[number - 1].Size - 1);
    }

    /// <summary>GET's response-* query parameters override stored headers (presigned downloads use them).</summary>
    private static void ApplyResponseOverrides(S3Request s3)
    {
        foreach (var (query, header) in new[]
                 {
                     ("response-content-type", "Content-Type"), ("response-content-language", "Content-Language"),
                     ("response-expires", "Expires"), ("response-cache-control", "Cache-Control"),
                     ("response-content-disposition", "Content-Disposition"), ("response-content-encoding", "Content-Encoding"),
                 })
        {
            var value = s3.Query[query].ToString();
            if (value.Length == 0) continue;
            ObjectHeaders.RequireLatin1(query, value);
            s3.Response.Headers[header] = value;
        }
    }
}
