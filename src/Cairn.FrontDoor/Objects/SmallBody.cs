using System.Security.Cryptography;
using Cairn.Core.Checksums;
using Cairn.Core.Errors;
using Cairn.FrontDoor.Routing;
using Cairn.FrontDoor.Xml;

namespace Cairn.FrontDoor.Objects;

/// <summary>
/// A small XML request body (a tag set, a configuration, a multi-object delete) read whole and checked against the
/// Content-MD5 and x-amz-checksum-* (header, presigned query or trailer) the client sent for it; a mismatch is
/// BadDigest as for an object's bytes. Where AWS requires one of them (<see cref="BodyIntegrity"/>), a body sent
/// with neither is refused before it is read.
/// </summary>
public static class SmallBody
{
    public static async Task<byte[]> ReadVerifiedAsync(S3Request s3, BodyIntegrity? integrity = null, BodyLimit? limit = null)
    {
        var expectedMd5 = ObjectWriter.ContentMd5(s3.Request.Headers);
        var checksums = ChecksumRequest.From(s3.Request);
        if (expectedMd5 is null && !checksums.ValueSent) (integrity ?? BodyIntegrity.Optional).RefuseMissing();
        var body = await ReadAsync(s3, limit ?? BodyLimit.Configuration).ConfigureAwait(false);
        if (expectedMd5 is not null && !expectedMd5.AsSpan().SequenceEqual(MD5.HashData(body)))
            throw new S3Exception(S3ErrorCode.BadDigest);
        var computed = checksums.Algorithms.ToDictionary(a => a, a =>
        {
            var sum = a.Create();
            sum.Append(body);
            return Convert.ToBase64String(sum.Finish());
        });
        checksums.Verify(computed, s3.Payload.Trailers);
        return body;
    }

    /// <summary>The body read whole; one over <paramref name="limit"/> is refused with its error rather than buffered.</summary>
    public static async Task<byte[]> ReadAsync(S3Request s3, BodyLimit limit)
    {
        // A declared length over the limit is refused before a byte is read (aws-chunked declares its decoded length).
        if (DeclaredLength(s3) > limit.MaxBytes) throw limit.TooLarge();
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int n;
        while ((n = await s3.Payload.ReadAsync(chunk, s3.Aborted).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + n > limit.MaxBytes) throw limit.TooLarge();
            buffer.Write(chunk, 0, n);
        }
        return buffer.ToArray();
    }

    private static long? DeclaredLength(S3Request s3) =>
        long.TryParse(s3.Header("x-amz-decoded-content-length"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var decoded)
            ? decoded : s3.Request.ContentLength;
}
