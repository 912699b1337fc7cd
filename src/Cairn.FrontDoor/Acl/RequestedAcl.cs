using Cairn.Index.Acl;
using Cairn.Index.Buckets;
using Cairn.Index.Records;
using Microsoft.AspNetCore.Http;

namespace Cairn.FrontDoor.Acl;

/// <summary>
/// The ACL an object write (PutObject, CopyObject, CreateMultipartUpload, a POST form) asks for, checked before any byte
/// is stored: one that gives anyone but the bucket owner anything is refused while the bucket has ACLs disabled
/// (AccessControlListNotSupported) or blocks public ACLs. The shard checks the ownership controls again when it records
/// the version, so a change of them racing this write never lets the ACL through.
/// </summary>
public sealed class RequestedAcl(BucketAccessReader access, PublicAclBlock guard)
{
    /// <summary>The ACL to record with the object; null for the default ("private", which changes nothing).</summary>
    public async Task<AccessControlList?> ForObjectAsync(IHeaderDictionary headers, BucketRecord bucket, CancellationToken cancellationToken)
    {
        var acl = AclHeaders.Read(headers, bucket.Owner, AclTarget.Object);
        if (acl is null || IsDefault(acl, bucket.Owner)) return null;
        if (acl.GrantsOnlyTo(bucket.Owner)) return acl;
        var settings = await access.GetAsync(bucket.Name, cancellationToken).ConfigureAwait(false) ?? throw BucketCatalog.NoSuchBucket(bucket.Name);
        if (!settings.AclsEnabled) throw AclErrors.NotSupported();
        await guard.CheckPutAsync(bucket.Name, acl, cancellationToken).ConfigureAwait(false);
        return acl;
    }

    /// <summary>The owner's FULL_CONTROL and nothing else: what a version without an ACL already has.</summary>
    public static bool IsDefault(AccessControlList acl, string owner) =>
        acl.Owner == owner && acl.Grants is [{ Permission: AclPermission.FULL_CONTROL } only] && only.Grantee.Id == owner;
}

/// <summary>
/// Block Public Access's BlockPublicAcls, as it applies to a PUT that sets an ACL: one granting AllUsers or
/// AuthenticatedUsers anything is refused (403 AccessDenied) while the bucket's setting blocks public ACLs (new buckets
/// start with it on).
/// </summary>
public sealed class PublicAclBlock(BucketSettings settings)
{
    private static readonly string[] Setting = [Authorization.PublicAccessBlock.SettingName];

    public async Task CheckPutAsync(string bucket, AccessControlList acl, CancellationToken cancellationToken)
    {
        if (!acl.IsPublic) return;
        var (_, documents) = await settings.GetManyAsync(bucket, Setting, cancellationToken).ConfigureAwait(false);
        if (Authorization.PublicAccessBlock.FromStored(documents[0]).BlockPublicAcls) throw new Core.Errors.S3Exception(Core.Errors.S3ErrorCode.AccessDenied);
    }
}
