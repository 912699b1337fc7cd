using Cairn.Index.Apply;
using Cairn.Index.Records;

namespace Cairn.Index.Acl;

/// <summary>
/// What the shard checks of an ACL it is asked to record, at apply, against the bucket's ownership controls as the shard
/// holds them: a bucket with ACLs disabled takes only an ACL that gives the bucket owner everything and nobody else
/// anything (AccessControlListNotSupported otherwise), so a change of the controls racing a write never lets one through.
/// </summary>
internal static class AclRules
{
    public static void RequireAllowed(ShardTables t, string bucket, AccessControlList? acl)
    {
        if (acl is null) return;
        var owner = t.RequireBucket(bucket).Owner;
        if (acl.GrantsOnlyTo(owner)) return;
        if (!AclSettings.AclsEnabled(Ownership(t, bucket))) throw AclErrors.NotSupported();
    }

    public static ObjectOwnership? Ownership(ShardTables t, string bucket) =>
        t.State.Get(IndexKeys.BucketSettingKey(bucket, AclSettings.Ownership)) is { } bytes
            ? AclSettings.OwnershipOf(System.Text.Encoding.UTF8.GetString(bytes))
            : null;
}
