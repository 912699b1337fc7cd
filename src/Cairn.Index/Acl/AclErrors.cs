using Cairn.Core.Errors;

namespace Cairn.Index.Acl;

/// <summary>S3's errors about ACLs and Object Ownership, with the codes and messages S3 answers.</summary>
public static class AclErrors
{
    public static readonly S3ErrorCode AccessControlListNotSupported = new("AccessControlListNotSupported", 400, "The bucket does not allow ACLs");

    public static readonly S3ErrorCode InvalidBucketAclWithObjectOwnership =
        new("InvalidBucketAclWithObjectOwnership", 400, "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting");

    public static readonly S3ErrorCode OwnershipControlsNotFoundError = new("OwnershipControlsNotFoundError", 404, "The bucket ownership controls were not found");

    public static readonly S3ErrorCode MalformedACLError =
        new("MalformedACLError", 400, "The XML you provided was not well-formed or did not validate against our published schema");

    public static readonly S3ErrorCode UnresolvableGrantByEmailAddress =
        new("UnresolvableGrantByEmailAddress", 400, "The email address you provided does not match any account on record.");

    public static S3Exception NotSupported() => new(AccessControlListNotSupported);
}
