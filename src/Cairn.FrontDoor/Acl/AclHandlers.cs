using Cairn.Core.Errors;
using Cairn.Core.Names;
using Cairn.FrontDoor.Buckets;
using Cairn.FrontDoor.Objects;
using Cairn.FrontDoor.Routing;
using Cairn.FrontDoor.Xml;
using Cairn.Index.Acl;
using Cairn.Index.Buckets;
using Cairn.Index.Objects;
using Cairn.Index.Records;

namespace Cairn.FrontDoor.Acl;

/// <summary>
/// Get/PutBucketAcl, Get/PutObjectAcl (?versionId=) and Get/Put/DeleteBucketOwnershipControls. With ACLs disabled
/// (BucketOwnerEnforced) a GET answers the owner's FULL_CONTROL, whatever is stored, and a PUT is refused
/// (AccessControlListNotSupported) unless it gives only the owner anything.
/// </summary>
public sealed class AclHandlers(BucketSettings settings, ObjectCatalog objects, Identity.CanonicalIds ids, Owner owner)
{
    public async Task GetBucketAclAsync(S3Request s3)
    {
        var bucket = await RequireAsync(s3).ConfigureAwait(false);
        using var xml = AclXml.Write(bucket.Acl, owner);
        await xml.WriteToAsync(s3.Response).ConfigureAwait(false);
    }

    public async Task PutBucketAclAsync(S3Request s3)
    {
        var bucket = await RequireAsync(s3).ConfigureAwait(false);
        var acl = await RequestedAsync(s3, bucket, AclTarget.Bucket).ConfigureAwait(false);
        await settings.PutAsync(s3.Bucket!, AclSettings.BucketAcl, RequestedAcl.IsDefault(acl, bucket.Bucket.Owner) ? null : AclSettings.Encode(acl), s3.Aborted)
            .ConfigureAwait(false);
        s3.Response.StatusCode = 200;
    }

    public async Task GetObjectAclAsync(S3Request s3)
    {
        var bucket = await RequireAsync(s3).ConfigureAwait(false);
        var versionId = VersionIdOf(s3);
        var version = await objects.LoadTaggableAsync(s3.Bucket!, ObjectKey.Parse(s3.Key!).Value, versionId, s3.Aborted).ConfigureAwait(false);
        ObjectTaggingHandlers.WriteVersionId(s3, version, versionId);
        using var xml = AclXml.Write(bucket.AclOf(version), owner);
        await xml.WriteToAsync(s3.Response).ConfigureAwait(false);
    }

    public async Task PutObjectAclAsync(S3Request s3)
    {
        var bucket = await RequireAsync(s3).ConfigureAwait(false);
        var versionId = VersionIdOf(s3);
        var acl = await RequestedAsync(s3, bucket, AclTarget.Object).ConfigureAwait(false);
        var version = await objects.PutAclAsync(s3.Bucket!, ObjectKey.Parse(s3.Key!).Value, versionId,
            RequestedAcl.IsDefault(acl, bucket.Bucket.Owner) ? null : acl, s3.Aborted).ConfigureAwait(false);
        ObjectTaggingHandlers.WriteVersionId(s3, version, versionId);
        s3.Response.StatusCode = 200;
    }

    public async Task GetOwnershipControlsAsync(S3Request s3)
    {
        var bucket = await RequireAsync(s3).ConfigureAwait(false);
        if (bucket.Ownership is not { } ownership)
            throw new S3Exception(AclErrors.OwnershipControlsNotFoundError) { Details = new Dictionary<string, string> { ["BucketName"] = s3.Bucket! } };
        using var xml = OwnershipControls.Write(ownership);
        await xml.WriteToAsync(s3.Response).ConfigureAwait(false);
    }

    /// <summary>BucketOwnerEnforced only over a bucket ACL that gives nobody but the owner anything, as S3 requires.</summary>
    public async Task PutOwnershipControlsAsync(S3Request s3)
    {
        var bucket = await RequireAsync(s3).ConfigureAwait(false);
        var ownership = OwnershipControls.Read(S3XmlBody.Parse(await SmallBody.ReadVerifiedAsync(s3).ConfigureAwait(false)));
        if (ownership == ObjectOwnership.BucketOwnerEnforced && bucket.StoredAcl is { } acl && !acl.GrantsOnlyTo(bucket.Bucket.Owner))
            throw new S3Exception(AclErrors.InvalidBucketAclWithObjectOwnership);
        await settings.PutAsync(s3.Bucket!, AclSettings.Ownership, ownership.ToString(), s3.Aborted).ConfigureAwait(false);
        s3.Response.StatusCode = 200;
    }

    public async Task DeleteOwnershipControlsAsync(S3Request s3)
    {
        await RequireAsync(s3).ConfigureAwait(false);
        await settings.PutAsync(s3.Bucket!, AclSettings.Ownership, null, s3.Aborted).ConfigureAwait(false);
        s3.Response.StatusCode = 204;
    }

    /// <summary>
    /// A PUT's ACL: from x-amz-acl or x-amz-grant-* headers, or from an AccessControlPolicy body, never both (S3 answers
    /// UnexpectedContent) and never neither (MissingSecurityHeader). Refused while ACLs are disabled unless it gives only
    /// the owner anything, and when Block Public Access blocks a public one.
    /// </summary>
    private async Task<AccessControlList> RequestedAsync(S3Request s3, BucketAccess bucket, AclTarget target)
    {
        var body = await SmallBody.ReadVerifiedAsync(s3).ConfigureAwait(false);
        var fromHeaders = AclHeaders.Read(s3.Request.Headers, bucket.Bucket.Owner, target, ids.IsUser);
        if (fromHeaders is not null && body.Length > 0)
            throw new S3Exception(new S3ErrorCode("UnexpectedContent", 400, "This request does not support content"));
        var acl = fromHeaders ?? (body.Length > 0
            ? AclXml.Read(S3XmlBody.Parse(body), bucket.Bucket.Owner, ids.IsUser)
            : throw new S3Exception(new S3ErrorCode("MissingSecurityHeader", 400, "Your request was missing a required header"))
            {
                Details = new Dictionary<string, string> { ["MissingHeaderName"] = AclHeaders.CannedHeader },
            });
        if (!acl.GrantsOnlyTo(bucket.Bucket.Owner))
        {
            if (!bucket.AclsEnabled) throw AclErrors.NotSupported();
            PublicAclBlock.Check(acl, (await s3.BucketAsync().ConfigureAwait(false)).Block);
        }
        return acl;
    }

    private static async Task<BucketAccess> RequireAsync(S3Request s3) => (await s3.BucketAsync().ConfigureAwait(false)).Acls;

    private static string? VersionIdOf(S3Request s3) => s3.Query["versionId"].ToString() is { Length: > 0 } id ? id : null;
}
