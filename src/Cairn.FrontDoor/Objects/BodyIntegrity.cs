using Cairn.Core.Errors;

namespace Cairn.FrontDoor.Objects;

/// <summary>
/// Whether an operation's body must come with Content-MD5 or an x-amz-checksum-* value. AWS requires one for
/// PutBucketCors, PutBucketTagging, PutBucketLifecycleConfiguration and DeleteObjects (a checksum instead of
/// Content-MD5 is accepted since flexible checksums); a body with neither is 400 InvalidRequest, in AWS's words.
/// </summary>
public sealed class BodyIntegrity
{
    private readonly string? missing;

    private BodyIntegrity(string? missing) => this.missing = missing;

    /// <summary>Verified when sent, never required.</summary>
    public static readonly BodyIntegrity Optional = new(null);

    /// <summary>PutBucketCors, PutBucketTagging, PutBucketLifecycleConfiguration.</summary>
    public static readonly BodyIntegrity Required = new("Missing required header for this request: Content-MD5");

    /// <summary>DeleteObjects, whose refusal spells the header Content-Md5.</summary>
    public static readonly BodyIntegrity RequiredForDelete = new("Missing required header for this request: Content-Md5");

    /// <summary>Called when the request carries neither Content-MD5 nor a checksum value.</summary>
    public void RefuseMissing()
    {
        if (missing is not null) throw new S3Exception(S3ErrorCode.InvalidRequest, missing);
    }
}
