using Cairn.Index.Records;

namespace Cairn.Index.Acl;

/// <summary>A bucket with its ownership controls and its ACL, as one snapshot held them.</summary>
public sealed record BucketAccess(BucketRecord Bucket, ObjectOwnership? Ownership, AccessControlList? StoredAcl)
{
    public bool AclsEnabled => AclSettings.AclsEnabled(Ownership);

    /// <summary>The ACL in force: the stored one while ACLs are enabled, else (and by default) the owner's FULL_CONTROL alone.</summary>
    public AccessControlList Acl => AclsEnabled && StoredAcl is { } acl ? acl : AccessControlList.Private(Bucket.Owner);

    /// <summary>The ACL in force on one version of this bucket: its own while ACLs are enabled, else the owner's FULL_CONTROL alone.</summary>
    public AccessControlList AclOf(VersionRecord version) => AclsEnabled && version.Acl is { } acl ? acl : AccessControlList.Private(Bucket.Owner);
}
