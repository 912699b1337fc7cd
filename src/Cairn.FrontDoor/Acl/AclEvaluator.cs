using Cairn.Auth;
using Cairn.FrontDoor.Routing;
using Cairn.Index.Records;

namespace Cairn.FrontDoor.Acl;

/// <summary>
/// Whether an ACL grants a principal a permission, as S3 evaluates grants: FULL_CONTROL holds every permission; AllUsers
/// is everyone, signed or not; AuthenticatedUsers every signed request; a canonical user the account's root (IAM users
/// and roles of the account act through policies, not through the account's grants); LogDelivery no requester here.
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
        null => principal.Kind == PrincipalKind.Root && grantee.Id == principal.CanonicalId,
        _ => false,
    };
}

/// <summary>
/// Which ACL permission, on the bucket or on the object, allows an S3 operation: AWS's mapping of ACL permissions to the
/// access-policy permissions they stand for. Operations no grant can allow (configuration, policies, ownership) map to
/// nothing: only the owner or a policy allows them.
/// </summary>
public static class AclPermissions
{
    public static (AclTarget Target, AclPermission Permission)? For(S3Operation operation) => operation switch
    {
        // READ on a bucket: s3:ListBucket, s3:ListBucketVersions, s3:ListBucketMultipartUploads (HeadBucket is s3:ListBucket).
        S3Operation.ListObjects or S3Operation.ListObjectsV2 or S3Operation.ListObjectVersions or S3Operation.ListMultipartUploads
            or S3Operation.HeadBucket => (AclTarget.Bucket, AclPermission.READ),
        // WRITE on a bucket: s3:PutObject (uploads in all their forms) and, as ACLs have always had it, deleting objects.
        S3Operation.PutObject or S3Operation.PostObject or S3Operation.CopyObject or S3Operation.CreateMultipartUpload or S3Operation.UploadPart
            or S3Operation.UploadPartCopy or S3Operation.CompleteMultipartUpload or S3Operation.AbortMultipartUpload or S3Operation.DeleteObject
            or S3Operation.DeleteObjects => (AclTarget.Bucket, AclPermission.WRITE),
        S3Operation.GetBucketAcl => (AclTarget.Bucket, AclPermission.READ_ACP),
        S3Operation.PutBucketAcl => (AclTarget.Bucket, AclPermission.WRITE_ACP),
        // READ on an object: s3:GetObject and s3:GetObjectVersion (HEAD included).
        S3Operation.GetObject or S3Operation.HeadObject => (AclTarget.Object, AclPermission.READ),
        S3Operation.GetObjectAcl => (AclTarget.Object, AclPermission.READ_ACP),
        S3Operation.PutObjectAcl => (AclTarget.Object, AclPermission.WRITE_ACP),
        _ => null,
    };
}
