using Cairn.Auth;
using Cairn.Index.Records;

namespace Cairn.FrontDoor.Acl;

/// <summary>
/// Whether an ACL grants a principal a permission, as S3 evaluates grants: FULL_CONTROL holds every permission; AllUsers
/// is everyone, signed or not; AuthenticatedUsers every signed request; a canonical user the account's root (the account's
/// id) or the IAM user with that id (its own, <see cref="Identity.CanonicalIds.OfUser"/>) — assumed-role sessions act
/// through policies only; LogDelivery no requester here.
/// With <c>ignorePublic</c> (Block Public Access's IgnorePublicAcls) grants to the two public groups count for nothing.
/// </summary>
public static class AclEvaluator
{
    public static bool Grants(AccessControlList acl, Principal principal, AclPermission permission, bool ignorePublic = false) =>
        acl.Grants.Any(grant => (grant.Permission == permission || grant.Permission == AclPermission.FULL_CONTROL)
            && Matches(grant.Grantee, principal, ignorePublic));

    private static bool Matches(AclGrantee grantee, Principal principal, bool ignorePublic) => grantee.Uri switch
    {
        AclGrantee.AllUsers => !ignorePublic,
        AclGrantee.AuthenticatedUsers => !ignorePublic && principal.Kind != PrincipalKind.Anonymous,
        null => (principal.Kind is PrincipalKind.Root or PrincipalKind.User) && grantee.Id == principal.CanonicalId,
        _ => false,
    };
}

/// <summary>
/// Which ACL permission, on the bucket or on the object, stands for an IAM action: AWS's mapping of ACL permissions to
/// the access-policy permissions they grant. Actions no grant can allow (configuration, policies, ownership) map to
/// nothing: only the owner or a policy allows them.
/// </summary>
public static class AclPermissions
{
    public static (AclTarget Target, AclPermission Permission)? For(string action) => action switch
    {
        "s3:ListBucket" or "s3:ListBucketVersions" or "s3:ListBucketMultipartUploads" => (AclTarget.Bucket, AclPermission.READ),
        // WRITE on a bucket: creating objects (uploads in all their forms) and, as ACLs have always had it, deleting them.
        "s3:PutObject" or "s3:DeleteObject" or "s3:DeleteObjectVersion" => (AclTarget.Bucket, AclPermission.WRITE),
        "s3:GetBucketAcl" => (AclTarget.Bucket, AclPermission.READ_ACP),
        "s3:PutBucketAcl" => (AclTarget.Bucket, AclPermission.WRITE_ACP),
        "s3:GetObject" or "s3:GetObjectVersion" => (AclTarget.Object, AclPermission.READ),
        "s3:GetObjectAcl" or "s3:GetObjectVersionAcl" => (AclTarget.Object, AclPermission.READ_ACP),
        "s3:PutObjectAcl" or "s3:PutObjectVersionAcl" => (AclTarget.Object, AclPermission.WRITE_ACP),
        _ => null,
    };
}
