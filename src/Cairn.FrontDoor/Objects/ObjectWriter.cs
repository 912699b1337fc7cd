using System.Buffers;
using Cairn.Auth;
using Cairn.Core.Blobs;
using Cairn.Core.Checksums;
using Cairn.Core.Encryption;
using Cairn.Core.Errors;
using Cairn.Core.StorageClasses;
using Cairn.Core.Names;
using Cairn.Data.Blobs;
using Cairn.FrontDoor.Encryption;
using Cairn.FrontDoor.Routing;
using Cairn.Index.Objects;
using Cairn.Index.Records;
using Microsoft.AspNetCore.Http;

namespace Cairn.FrontDoor.Objects;

/// <summary>
/// The PUT path: body → (aws-chunked decoding and signature checks) → MD5 and checksums in the
/// same pass → bytes (inline in the index when small, else a durable blob) → one atomic index
/// commit. Nothing is visible until the commit; a failure before it leaves only an orphan for GC.
/// </summary>
public sealed class ObjectWriter(ObjectCatalog objects, BlobStore blobs, StorageMedia media, BodyMd5Factory md5s, TimeProvider time, FrontDoorOptions options)
{
    public const long MaxObjectSize = 5L * 1024 * 1024 * 1024;
    private const long ReadAheadThreshold = 1024 * 1024;

    public async Task<VersionRecord> PutAsync(S3Request s3, PayloadStream payload, ObjectRetention? retention, LegalHoldStatus? legalHold, AccessControlList? acl, ObjectSealing? sealing,
        CancellationToken cancellationToken)
    {
        var request = s3.Request;
        var key = ObjectKey.Parse(s3.Key!).Value;
        var storageClass = StorageClass(request);
        var tags = ObjectTags.FromHeader(request);
        var condition = WriteConditions.ForWrite(s3);
        await using var body = await IngestAsync(request, payload, storageClass, allowInline: true, extraChecksum: null, sealing, cancellationToken).ConfigureAwait(false);
        return await CommitAsync(s3.Bucket!, key, body, request.Headers, tags, storageClass, condition, retention, legalHold, acl, sealing, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// PostObject's write: the same path as PutAsync for a body whose length is known only at its end (a form's
    /// file, streamed as it arrives), with the object's headers, metadata, storage class and checksums taken from
    /// the form's fields of the same names.
    /// </summary>
    public async Task<VersionRecord> PutFormFileAsync(string bucket, string key, Stream file, IHeaderDictionary fields, Dictionary<string, string> tags,
        ObjectRetention? retention, LegalHoldStatus? legalHold, AccessControlList? acl, ObjectSealing? sealing, CancellationToken cancellationToken)
    {
        var objectKey = ObjectKey.Parse(key).Value;
        var storageClass = StorageClass(fields);
        var expectedMd5 = ContentMd5(fields);
        var checksums = ChecksumRequest.From(fields);
        await using var body = await IngestUnsizedAsync(file, storageClass, expectedMd5, checksums, sealing, cancellationToken).ConfigureAwait(false);
        return await CommitAsync(bucket, objectKey, body, fields, tags, storageClass, condition: null, retention, legalHold, acl, sealing, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// One atomic index commit of a stored, verified body as the key's new version. The lock asked for travels with it; the
    /// bucket's default retention is applied by the shard (a form upload gets it too).
    /// </summary>
    private async Task<VersionRecord> CommitAsync(string bucket, string key, IngestedBody body, IHeaderDictionary fields, Dictionary<string, string> tags,
        string storageClass, Cairn.Index.Commands.ObjectCondition? condition, ObjectRetention? retention, LegalHoldStatus? legalHold, AccessControlList? acl, ObjectSealing? sealing,
        CancellationToken cancellationToken)
    {
        var contentType = fields.ContentType.ToString();
        ObjectHeaders.RequireSendable("Content-Type", contentType);
        var draft = new VersionRecord
        {
            VersionId = "",
            Sequence = 0,
            LastModified = time.GetUtcNow(),
            Size = body.Length,
            ETag = SealedETag.Of(body.Md5, sealing),
            ContentType = contentType.Length == 0 ? null : contentType,
            Headers = ObjectHeaders.StoredHeaders(fields),
            Metadata = ObjectHeaders.UserMetadata(fields),
            Tags = tags,
            Checksums = body.Checksums,
            StorageClass = storageClass,
            Blob = body.Blob,
            Inline = body.Inline,
            Encryption = sealing?.Record,
            Retention = retention,
            LegalHold = legalHold,
            Acl = acl,
        };
        var version = await objects.PutAsync(bucket, key, draft, condition, cancellationToken: cancellationToken).ConfigureAwait(false);
        body.Committed();
        return version;
    }

    /// <summary>
    /// Reads the whole body once: verifies length, Content-MD5, checksums and trailers while storing
    /// it inline (small, when allowed) or as a durable blob. The caller commits it to the index and
    /// then calls Committed(); disposing an uncommitted body frees its blob at once.
    /// </summary>
    public async Task<IngestedBody> IngestAsync(HttpRequest request, PayloadStream payload, string storageClass, bool allowInline, ChecksumAlgorithm? extraChecksum,
        ObjectSealing? sealing, CancellationToken cancellationToken)
    {
        var length = DeclaredLength(request);
        var expectedMd5 = ContentMd5(request.Headers);
        var checksums = ChecksumRequest.From(request, extraChecksum);
        var inline = allowInline && length <= options.InlineThreshold;
        // Large verified bodies (chunk signatures, SHA-256) are read ahead on another core; small ones and
        // pass-through ones (UNSIGNED-PAYLOAD) are not worth the hand-off and its extra copy.
        await using var source = inline || length < ReadAheadThreshold || !payload.VerifiesBytes ? null : new ReadAheadStream(payload, cancellationToken);
        await using var digest = new BodyDigest(source ?? (Stream)payload, length, checksums.Algorithms, md5s);
        var body = new IngestedBody(blobs) { Length = length };
        try
        {
            if (inline) body.Inline = Sealed(await ReadAllAsync(digest, (int)length, cancellationToken).ConfigureAwait(false), sealing);
            else body.Draft = await WriteBlobAsync(digest, storageClass, sealing, cancellationToken).ConfigureAwait(false);
            body.Md5 = await digest.Md5Async().ConfigureAwait(false);
            if (expectedMd5 is not null && !expectedMd5.AsSpan().SequenceEqual(body.Md5)) throw new S3Exception(S3ErrorCode.BadDigest);
            body.Checksums = checksums.Verify(digest.Checksums(), payload.Trailers);
            return body;
        }
        catch
        {
            await body.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Reads a body of unknown length once, as IngestAsync does a declared one: small enough to end within the
    /// inline threshold, it is kept inline; else it goes to a durable blob as it arrives, the bytes read ahead to
    /// find that out going first. The caller's stream enforces the size limits (the 5 GiB of an object included):
    /// a read it fails fails the body, whose blob is freed.
    /// </summary>
    private async Task<IngestedBody> IngestUnsizedAsync(Stream source, string storageClass, byte[]? expectedMd5, ChecksumRequest checksums,
        ObjectSealing? sealing, CancellationToken cancellationToken)
    {
        await using var digest = new BodyDigest(source, expectedLength: null, checksums.Algorithms, md5s);
        var body = new IngestedBody(blobs);
        try
        {
            var head = new byte[options.InlineThreshold + 1];
            var headLength = await ReadAtMostAsync(digest, head, cancellationToken).ConfigureAwait(false);
            if (headLength <= options.InlineThreshold) body.Inline = Sealed(head[..headLength], sealing);
            else
            {
                await using var whole = new PrefixedStream(head, digest);
                body.Draft = await WriteBlobAsync(whole, storageClass, sealing, cancellationToken).ConfigureAwait(false);
            }
            body.Length = digest.BytesRead;
            body.Md5 = await digest.Md5Async().ConfigureAwait(false);
            if (expectedMd5 is not null && !expectedMd5.AsSpan().SequenceEqual(body.Md5)) throw new S3Exception(S3ErrorCode.BadDigest);
            body.Checksums = checksums.Verify(digest.Checksums(), new Dictionary<string, string>());
            return body;
        }
        catch
        {
            await body.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// A durable blob of the plaintext <paramref name="source"/> yields, on the storage class's medium: sealed block by block
    /// on its way to the erasure coder when the object is encrypted, so no drive ever holds its plaintext.
    /// </summary>
    public async Task<BlobDraft> WriteBlobAsync(Stream source, string storageClass, ObjectSealing? sealing, CancellationToken cancellationToken)
    {
        if (sealing is null) return await blobs.WriteAsync(source, media.For(storageClass), cancellationToken).ConfigureAwait(false);
        await using var sealedBlocks = new SealingStream(source, sealing.DataKey);
        return await blobs.WriteAsync(sealedBlocks, media.For(storageClass), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Inline bytes as the index keeps them: sealed too when the object is encrypted.</summary>
    private static byte[] Sealed(byte[] plaintext, ObjectSealing? sealing) => sealing is null ? plaintext : SealedBlocks.SealSegment(sealing.DataKey, plaintext);

    /// <summary>Fills the buffer, or as much of it as the stream holds before its end.</summary>
    private static async Task<int> ReadAtMostAsync(Stream source, byte[] buffer, CancellationToken cancellationToken)
    {
        var filled = 0;
        while (filled < buffer.Length)
        {
            var n = await source.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
            if (n == 0) break;
            filled += n;
        }
        return filled;
    }

    /// <summary>
    /// The object's size: the decoded length for aws-chunked bodies, else Content-Length. As in S3, an HTTP chunked body
    /// (Transfer-Encoding: chunked, no Content-Length) is taken only in aws-chunked framing that declares its decoded length;
    /// any other is 501 NotImplemented naming the header, and a body of unknown length is 411 MissingContentLength.
    /// </summary>
    public static long DeclaredLength(HttpRequest request)
    {
        long length;
        var decoded = request.Headers["x-amz-decoded-content-length"].ToString();
        var awsChunked = ObjectHeaders.IsAwsChunked(request);
        if (request.Headers.TransferEncoding.Count > 0 && (!awsChunked || decoded.Length == 0))
            throw new S3Exception(S3ErrorCode.NotImplemented) { Details = new Dictionary<string, string> { ["Header"] = "Transfer-Encoding" } };
        if (decoded.Length > 0)
        {
            if (!long.TryParse(decoded, out length) || length < 0)
                throw new S3Exception(S3ErrorCode.InvalidArgument, "x-amz-decoded-content-length is not a valid length.");
        }
        else if (request.ContentLength is { } contentLength && !awsChunked) length = contentLength;
        else throw new S3Exception(S3ErrorCode.MissingContentLength);
        if (length > MaxObjectSize)
            throw new S3Exception(S3ErrorCode.EntityTooLarge)
            {
                Details = new Dictionary<string, string> { ["ProposedSize"] = length.ToString(), ["MaxSizeAllowed"] = MaxObjectSize.ToString() },
            };
        return length;
    }

    public static string StorageClass(HttpRequest request) => StorageClass(request.Headers);

    /// <summary>x-amz-storage-class (a header, or a POST form's field): STANDARD when absent.</summary>
    public static string StorageClass(IHeaderDictionary fields)
    {
        var value = fields["x-amz-storage-class"].ToString();
        if (value.Length == 0) return "STANDARD";
        return StorageClassTable.Default.IsKnown(value) ? value : throw new S3Exception(S3ErrorCode.InvalidStorageClass);
    }


    internal static byte[]? ContentMd5(IHeaderDictionary fields)
    {
        var header = fields["Content-MD5"].ToString();
        if (header.Length == 0) return null;
        var md5 = new byte[16];
        if (!Convert.TryFromBase64String(header, md5, out var written) || written != 16) throw new S3Exception(S3ErrorCode.InvalidDigest);
        return md5;
    }

    private static async Task<byte[]> ReadAllAsync(Stream source, int length, CancellationToken cancellationToken)
    {
        var bytes = new byte[length];
        var read = 0;
        while (read < length)
        {
            var n = await source.ReadAsync(bytes.AsMemory(read), cancellationToken).ConfigureAwait(false);
            if (n == 0) break; // BodyDigest raises IncompleteBody at the end of a short body
            read += n;
        }
        // Reading to the end lets the digest check the length and the chunk decoder the trailers.
        var probe = ArrayPool<byte>.Shared.Rent(1);
        try
        {
            while (await source.ReadAsync(probe.AsMemory(0, 1), cancellationToken).ConfigureAwait(false) > 0) { }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(probe);
        }
        return bytes;
    }
}

/// <summary>A request body that has been stored and verified but not yet committed to the index.</summary>
public sealed class IngestedBody(BlobStore blobs) : IAsyncDisposable
{
    private bool committed;

    public long Length { get; set; }
    public byte[] Md5 { get; set; } = [];
    public Dictionary<string, string> Checksums { get; set; } = [];
    public byte[]? Inline { get; set; }
    public BlobDraft? Draft { get; set; }
    public BlobLayout? Blob => Draft?.Layout;

    /// <summary>The index now references the blob: it must outlive this request.</summary>
    public void Committed() => committed = true;

    public async ValueTask DisposeAsync()
    {
        if (Draft is null) return;
        // A blob that never made it into the index is freed now rather than left for the orphan sweep.
        if (!committed && Draft.Layout is not null) await blobs.FreeAsync(Draft.Layout).ConfigureAwait(false);
        Draft.Dispose();
    }
}

/// <summary>Bytes already read ahead, then the rest of the stream they came from.</summary>
internal sealed class PrefixedStream(ReadOnlyMemory<byte> head, Stream rest) : ForwardOnlyStream
{
    private ReadOnlyMemory<byte> remaining = head;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (remaining.IsEmpty) return await rest.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        var n = Math.Min(buffer.Length, remaining.Length);
        remaining[..n].CopyTo(buffer);
        remaining = remaining[n..];
        return n;
    }


}
