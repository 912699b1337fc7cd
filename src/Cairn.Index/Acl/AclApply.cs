using Cairn.Index.Apply;
using Cairn.Index.Objects;
using Cairn.Index.Records;

namespace Cairn.Index.Acl;

/// <summary>The apply of PutObjectAcl: the version's ACL changes in place, checked against the bucket's ownership controls.</summary>
internal static class AclApply
{
    public static VersionRecord Put(ShardTables t, PutObjectAcl c)
    {
        var version = t.Load(c.Bucket, c.Key, c.VersionId);
        if (version.IsDeleteMarker) throw ObjectErrors.MarkerNotAllowed(version);
        AclRules.RequireAllowed(t, c.Bucket, c.Acl);
        var changed = version with { Acl = c.Acl };
        t.PutVersion(c.Bucket, c.Key, changed);
        return changed;
    }
}
