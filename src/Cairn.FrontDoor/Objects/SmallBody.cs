using System.Security.Cryptography;
using Cairn.Core.Checksums;
using Cairn.Core.Errors;
using Cairn.FrontDoor.Buckets;
using Cairn.FrontDoor.Routing;

namespace Cairn.FrontDoor.Objects;

/// <summary>
/// A small XML request body (a tag set, a configuration, a multi-object delete) read whole and checked against the
/// Content-MD5 and x-amz-checksum-* (header, presigned query or trailer) the client sent for it; a mismatch is
/// BadDigest as for an object's bytes. Where AWS requires one of them (<see cref="BodyIntegrity"/>), a body sent
/// with neither is refused before it is read.
/// </summary>
public static class SmallBody
{
    public static async Task<byte[]> ReadVerifiedAsync(S3Request s3, BodyIntegrity? integrity = null, int limit = BucketHandlers.SmallBodyLimit)
    {
        var expectedMd5 = ObjectWriter.ContentMd5(s3.Request.Headers);
        var checksums = ChecksumRequest.From(s3.Request);
        if (expectedMd5 is null && !checksums.ValueSent) (integrity ?? BodyIntegrity.Optional).RefuseMissing();
        var body = await BucketHandlers.ReadSmallBodyAsync(s3, limit).ConfigureAwait(false);
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
}
