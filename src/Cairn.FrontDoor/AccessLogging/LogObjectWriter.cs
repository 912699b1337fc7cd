using Cairn.Core.Errors;
using Cairn.FrontDoor.Authorization;
using Cairn.FrontDoor.Encryption;
using Cairn.FrontDoor.Objects;
using Microsoft.AspNetCore.Http;

namespace Cairn.FrontDoor.AccessLogging;

/// <summary>
/// Writes a log object into its target bucket through the same PUT path as any object (body → bytes → one index
/// commit), as the target's owner would store it: text/plain, the bucket's default encryption, the owner's private ACL.
/// </summary>
public sealed class LogObjectWriter(Authorizer authorizer, ObjectWriter writer, DataKeys keys)
{
    public async Task WriteAsync(string bucket, string key, byte[] content, CancellationToken cancellationToken)
    {
        var target = await authorizer.ReadAsync(bucket, cancellationToken).ConfigureAwait(false);
        var record = target.Bucket;
        // S3 refuses to deliver into a bucket whose objects would be locked by default.
        if (record.ObjectLock?.DefaultRetention is not null)
            throw new S3Exception(S3ErrorCode.InvalidTargetBucketForLogging, "The target bucket has an Object Lock default retention.");
        var fields = new HeaderDictionary { ["Content-Type"] = "text/plain" };
        var sealing = keys.Create(RequestedEncryption.None, target.DefaultEncryption);
        await using var body = new MemoryStream(content, writable: false);
        await writer.PutFormFileAsync(bucket, key, body, fields, new Dictionary<string, string>(StringComparer.Ordinal), retention: null, legalHold: null,
            acl: null, sealing, cancellationToken).ConfigureAwait(false);
    }
}
