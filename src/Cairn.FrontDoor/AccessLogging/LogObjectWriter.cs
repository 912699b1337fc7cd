using Cairn.Core.Errors;
using Cairn.FrontDoor.Acl;
using Cairn.FrontDoor.Encryption;
using Cairn.FrontDoor.Objects;
using Cairn.Index.Buckets;
using Microsoft.AspNetCore.Http;

namespace Cairn.FrontDoor.AccessLogging;

/// <summary>
/// Writes a log object into its target bucket through the same PUT path as any object (body → bytes → one index
/// commit), as the target's owner would store it: text/plain, the bucket's default encryption and ACL.
/// </summary>
public sealed class LogObjectWriter(BucketCatalog buckets, ObjectWriter writer, DataKeys keys, RequestedAcl acls)
{
    public async Task WriteAsync(string bucket, string key, byte[] content, CancellationToken cancellationToken)
    {
        var (record, _, defaultEncryption) = await buckets.RequireForWriteAsync(bucket, cancellationToken).ConfigureAwait(false);
        // S3 refuses to deliver into a bucket whose objects would be locked by default.
        if (record.ObjectLock?.DefaultRetention is not null)
            throw new S3Exception(S3ErrorCode.InvalidTargetBucketForLogging, "The target bucket has an Object Lock default retention.");
        var fields = new HeaderDictionary { ["Content-Type"] = "text/plain" };
        var sealing = keys.Create(RequestedEncryption.None, defaultEncryption);
        var acl = await acls.ForObjectAsync(fields, record, cancellationToken).ConfigureAwait(false);
        await using var body = new MemoryStream(content, writable: false);
        await writer.PutFormFileAsync(bucket, key, body, fields, new Dictionary<string, string>(StringComparer.Ordinal), retention: null, legalHold: null,
            acl, sealing, cancellationToken).ConfigureAwait(false);
    }
}
