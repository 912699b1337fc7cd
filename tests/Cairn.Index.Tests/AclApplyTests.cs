using Cairn.Core.Errors;
using Cairn.Index.Acl;
using Cairn.Index.Commands;
using Cairn.Index.Objects;
using Cairn.Index.Records;

namespace Cairn.Index.Tests;

/// <summary>
/// ACLs decided at apply, in the shard: against the ownership controls the shard holds when the command applies, so a
/// change of them racing a write never lets a public ACL into a bucket with ACLs disabled.
/// </summary>
public sealed class AclApplyTests
{
    private static readonly DateTimeOffset T0 = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private const string Owner = "o";

    private static readonly AccessControlList PublicRead = AccessControlList.Private(Owner) with
    {
        Grants = [new AclGrant(AclGrantee.User(Owner), AclPermission.FULL_CONTROL), new AclGrant(AclGrantee.Group(AclGrantee.AllUsers), AclPermission.READ)],
    };

    [Fact]
    public async Task A_public_ACL_is_refused_by_every_write_while_the_bucket_has_ACLs_disabled()
    {
        await using var index = new IndexFixture();
        await index.Shard.ExecuteAsync(new CreateBucket("b", Owner, "r")
        {
            At = T0, Settings = new Dictionary<string, string> { [AclSettings.Ownership] = nameof(ObjectOwnership.BucketOwnerEnforced) },
        });
        await AssertNotSupportedAsync(index, new PutVersion("b", "k", IndexFixture.Draft() with { Acl = PublicRead }, VersionIds.NewNonce()) { At = T0 });
        await AssertNotSupportedAsync(index, new CreateUpload("b", "k", new UploadRecord { UploadId = "", Key = "k", Initiated = T0, Acl = PublicRead }, VersionIds.NewNonce())
        {
            At = T0,
        });
        var plain = await index.Shard.ExecuteAsync(new PutVersion("b", "k", IndexFixture.Draft() with { Acl = AccessControlList.Private(Owner) }, VersionIds.NewNonce()) { At = T0 });
        await AssertNotSupportedAsync(index, new PutObjectAcl("b", "k", plain.VersionId, PublicRead) { At = T0 });

        // Once the controls enable ACLs, the same ACL is recorded with the version.
        await index.Shard.ExecuteAsync(new PutBucketSetting("b", AclSettings.Ownership, nameof(ObjectOwnership.ObjectWriter)) { At = T0 });
        var changed = await index.Shard.ExecuteAsync(new PutObjectAcl("b", "k", plain.VersionId, PublicRead) { At = T0 });
        Assert.Equal(PublicRead.Grants, changed.Acl!.Grants);
        Assert.Equal(PublicRead.Grants, (await index.Objects.GetCurrentAsync("b", "k"))!.Acl!.Grants);
    }

    [Fact]
    public async Task A_bucket_without_ownership_controls_takes_ACLs_as_ObjectWriter_does()
    {
        await using var index = new IndexFixture();
        await index.Shard.ExecuteAsync(new CreateBucket("b", Owner, "r") { At = T0 });
        var version = await index.Shard.ExecuteAsync(new PutVersion("b", "k", IndexFixture.Draft() with { Acl = PublicRead }, VersionIds.NewNonce()) { At = T0 });
        Assert.Equal(PublicRead.Grants, version.Acl!.Grants);
    }

    private static async Task AssertNotSupportedAsync<T>(IndexFixture index, IndexCommand<T> command)
    {
        var e = await Assert.ThrowsAsync<S3Exception>(() => index.Shard.ExecuteAsync(command));
        Assert.Equal(AclErrors.AccessControlListNotSupported, e.Code);
    }
}
