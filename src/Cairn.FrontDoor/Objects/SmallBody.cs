using System.Security.Cryptography;
using Cairn.Core.Checksums;
using Cairn.Core.Errors;
using Cairn.FrontDoor.Buckets;
using Cairn.FrontDoor.Routing;

namespace Cairn.FrontDoor.Objects;

/// <summary>
/// A small XML request body (a tag set, a multi-object delete) read whole and checked against the
/// Content-MD5 and x-amz-checksum-* (header or trailer) the client sent for it: SDKs must send one of
/// them for these operations, and a mismatch is BadDigest as for an object's bytes.
/// </summary>
public static class SmallBody
{
    public static async Task<byte[]> ReadVerifiedAsync(S3Request s3)
    {
        var expectedMd5 = ObjectWriter.ContentMd5(s3.Request.Headers);
        var checksums = ChecksumRequest.From(s3.Request);
        var body = await BucketHandlers.ReadSmallBodyAsync(s3).ConfigureAwait(false);
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
