
using Cairn.FrontDoor.Identity;
using Cairn.Index.Acl;
using Cairn.Index.Records;
using Microsoft.AspNetCore.Http;

namespace Cairn.FrontDoor.Acl;

/// <summary>
/// The ACL an object write (PutObject, CopyObject, CreateMultipartUpload, a POST form) asks for, checked before any byte
/// is stored against the bucket as the request read it: one that gives anyone but the bucket owner anything is refused
/// while the bucket has ACLs disabled (AccessControlListNotSupported) or blocks public ACLs. The shard checks the
/// ownership controls again when it records the version, so a change of them racing this write never lets the ACL through.
/// </summary>
public static class RequestedAcl
{
    /// <summary>The ACL to record with the object; null for the default ("private", which changes nothing).</summary>
    public static AccessControlList? ForObject(IHeaderDictionary headers, Authorization.BucketAccess bucket, CanonicalIds ids)
    {
        var owner = bucket.Bucket.Owner;
        var acl = AclHeaders.Read(headers, owner, AclTarget.Object, ids.IsUser);
        if (acl is null || IsDefault(acl, owner)) return null;
        if (acl.GrantsOnlyTo(owner)) return acl;
        if (!bucket.Acls.AclsEnabled) throw AclErrors.NotSupported();
        PublicAclBlock.Check(acl, bucket.Block);
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
public static class PublicAclBlock
{
    public static void Check(AccessControlList acl, Authorization.PublicAccessBlock block)
    {
        if (acl.IsPublic && block.BlockPublicAcls) throw new Core.Errors.S3Exception(Core.Errors.S3ErrorCode.AccessDenied);
    }
}
