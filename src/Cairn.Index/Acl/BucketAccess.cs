using Cairn.Core.Keys;
using Cairn.Index.Records;
using Cairn.Index.Shards;

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

/// <summary>Reads a bucket's ownership controls and ACL (bucket settings) with its record, from one snapshot.</summary>
public sealed class BucketAccessReader(IndexRouter index)
{
    /// <summary>The bucket's access settings; null when there is no such bucket.</summary>
    public async Task<BucketAccess?> GetAsync(string bucket, CancellationToken cancellationToken = default)
    {
        var scope = ReadScope.BucketSetting(bucket, AclSettings.Ownership).With(ReadScope.BucketSetting(bucket, AclSettings.BucketAcl));
        using var snapshot = (await index.ReadRangeAtAsync(RangeKeys.BucketStart(bucket), scope, cancellationToken).ConfigureAwait(false)).Snapshot;
        if (snapshot.Get(IndexKeys.BucketKey(bucket)) is not { } record) return null;
        string? Setting(string name) => snapshot.Get(IndexKeys.BucketSettingKey(bucket, name)) is { } bytes ? System.Text.Encoding.UTF8.GetString(bytes) : null;
        return new BucketAccess(IndexJson.DecodeBucket(record), AclSettings.OwnershipOf(Setting(AclSettings.Ownership)), AclSettings.DecodeAcl(Setting(AclSettings.BucketAcl)));
    }
}
