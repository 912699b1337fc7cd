using Cairn.Core.Errors;
using Cairn.Index.Buckets;
using Cairn.Index.Commands;
using Cairn.Index.Identities;
using Cairn.Index.Shards;

namespace Cairn.Index.Tests;

/// <summary>
/// IAM's decisions as the shard's apply makes them, through the identity catalog over a real RocksDB shard: unique names
/// regardless of case, two keys per user, what blocks a delete, the inline-policy quota; and that the realm is no bucket.
/// </summary>
public sealed class IdentityApplyTests : IAsyncLifetime
{
    private readonly IndexFixture index = new();
    private IdentityCatalog identities = null!;

    public Task InitializeAsync()
    {
        identities = new IdentityCatalog(IndexRouter.Single(index.Shard), TimeProvider.System);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await index.DisposeAsync();

    [Fact]
    public async Task A_user_name_is_taken_regardless_of_case()
    {
        await identities.ExecuteAsync(NewUser("Alice"));
        var e = await Assert.ThrowsAsync<S3Exception>(() => identities.ExecuteAsync(NewUser("alice")));
        Assert.Equal(("EntityAlreadyExists", 409, "User with name alice already exists."), (e.Code.Code, e.Code.Status, e.Message));
        var table = await identities.ReadAsync();
        Assert.Equal("Alice", Assert.Single(table.Users).UserName);
        Assert.Equal("Alice", table.User("ALICE")!.UserName);
    }

    [Fact]
    public async Task A_third_access_key_exceeds_the_quota()
    {
        await identities.ExecuteAsync(NewUser("bob"));
        await identities.ExecuteAsync(NewKey("bob", "AKIAAAAAAAAAAAAAAAA1"));
        await identities.ExecuteAsync(NewKey("bob", "AKIAAAAAAAAAAAAAAAA2"));
        var e = await Assert.ThrowsAsync<S3Exception>(() => identities.ExecuteAsync(NewKey("bob", "AKIAAAAAAAAAAAAAAAA3")));
        Assert.Equal(("LimitExceeded", 409, "Cannot exceed quota for AccessKeysPerUser: 2"), (e.Code.Code, e.Code.Status, e.Message));

        // Deleting one makes room again.
        await identities.ExecuteAsync(new DeleteAccessKey("bob", "AKIAAAAAAAAAAAAAAAA1") { At = default });
        await identities.ExecuteAsync(NewKey("bob", "AKIAAAAAAAAAAAAAAAA3"));
        Assert.Equal(["AKIAAAAAAAAAAAAAAAA2", "AKIAAAAAAAAAAAAAAAA3"], (await identities.ReadAsync()).AccessKeysOf("bob").Select(k => k.AccessKeyId).Order());
    }

    [Fact]
    public async Task A_user_with_keys_or_policies_cannot_be_deleted()
    {
        await identities.ExecuteAsync(NewUser("carol"));
        await identities.ExecuteAsync(NewKey("carol", "AKIAAAAAAAAAAAAAAAC1"));
        await identities.ExecuteAsync(new PutInlinePolicy(PolicyHolder.User, "carol", "p1", """{"Version":"2012-10-17","Statement":[]}""") { At = default });

        var keys = await Assert.ThrowsAsync<S3Exception>(() => identities.ExecuteAsync(new DeleteUser("carol") { At = default }));
        Assert.Equal(("DeleteConflict", 409, "Cannot delete entity, must delete access keys first."), (keys.Code.Code, keys.Code.Status, keys.Message));
        await identities.ExecuteAsync(new DeleteAccessKey("carol", "AKIAAAAAAAAAAAAAAAC1") { At = default });

        var policies = await Assert.ThrowsAsync<S3Exception>(() => identities.ExecuteAsync(new DeleteUser("carol") { At = default }));
        Assert.Equal(("DeleteConflict", "Cannot delete entity, must delete policies first."), (policies.Code.Code, policies.Message));
        await identities.ExecuteAsync(new DeleteInlinePolicy(PolicyHolder.User, "carol", "p1") { At = default });

        await identities.ExecuteAsync(new DeleteUser("carol") { At = default });
        Assert.Null((await identities.ReadAsync()).User("carol"));
        var gone = await Assert.ThrowsAsync<S3Exception>(() => identities.ExecuteAsync(new DeleteUser("carol") { At = default }));
        Assert.Equal(("NoSuchEntity", 404, "The user with name carol cannot be found."), (gone.Code.Code, gone.Code.Status, gone.Message));
    }

    [Fact]
    public async Task Missing_keys_and_policies_are_no_such_entity_and_status_changes_stick()
    {
        await identities.ExecuteAsync(NewUser("dave"));
        var key = await Assert.ThrowsAsync<S3Exception>(() => identities.ExecuteAsync(new UpdateAccessKey("dave", "AKIANOPE", AccessKeyStatus.Inactive) { At = default }));
        Assert.Equal(("NoSuchEntity", "The Access Key with id AKIANOPE cannot be found"), (key.Code.Code, key.Message));
        var policy = await Assert.ThrowsAsync<S3Exception>(() => identities.ExecuteAsync(new DeleteInlinePolicy(PolicyHolder.User, "dave", "nope") { At = default }));
        Assert.Equal(("NoSuchEntity", "The user policy with name nope cannot be found."), (policy.Code.Code, policy.Message));
        var user = await Assert.ThrowsAsync<S3Exception>(() => identities.ExecuteAsync(NewKey("nobody", "AKIAAAAAAAAAAAAAAAX1")));
        Assert.Equal("NoSuchEntity", user.Code.Code);

        await identities.ExecuteAsync(NewKey("dave", "AKIAAAAAAAAAAAAAAAD1"));
        await identities.ExecuteAsync(new UpdateAccessKey("dave", "AKIAAAAAAAAAAAAAAAD1", AccessKeyStatus.Inactive) { At = default });
        Assert.Equal(AccessKeyStatus.Inactive, (await identities.ReadAsync()).AccessKey("AKIAAAAAAAAAAAAAAAD1")!.Status);
    }

    [Fact]
    public async Task Inline_policies_of_a_user_share_a_2048_character_quota_not_counting_white_space()
    {
        await identities.ExecuteAsync(NewUser("erin"));
        var half = Document(1000);
        await identities.ExecuteAsync(new PutInlinePolicy(PolicyHolder.User, "erin", "a", half) { At = default });
        await identities.ExecuteAsync(new PutInlinePolicy(PolicyHolder.User, "erin", "b", half + new string(' ', 500)) { At = default });
        // Replacing a policy counts its new size, not both.
        await identities.ExecuteAsync(new PutInlinePolicy(PolicyHolder.User, "erin", "b", Document(1040)) { At = default });
        var e = await Assert.ThrowsAsync<S3Exception>(() =>
            identities.ExecuteAsync(new PutInlinePolicy(PolicyHolder.User, "erin", "c", Document(60)) { At = default }));
        Assert.Equal(("LimitExceeded", 409, "Maximum policy size of 2048 bytes exceeded for user erin"), (e.Code.Code, e.Code.Status, e.Message));
        Assert.Equal(["a", "b"], (await identities.ReadAsync()).PoliciesOf(PolicyHolder.User, "ERIN").Keys);
    }

    [Fact]
    public async Task The_identity_realm_is_not_a_bucket_and_survives_a_restart()
    {
        await identities.ExecuteAsync(NewUser("frank"));
        await identities.ExecuteAsync(new CreateRole(new RoleRecord("reader", "AROAAAAAAAAAAAAAAAAAA", "/", default, "{}")) { At = default });
        Assert.Empty(await index.Buckets.ListAsync());
        Assert.Null(await index.Buckets.GetAsync(IdentityRows.Realm));

        await index.ReopenAsync();
        identities = new IdentityCatalog(IndexRouter.Single(index.Shard), TimeProvider.System);
        var table = await identities.ReadAsync();
        Assert.NotNull(table.User("frank"));
        Assert.NotNull(table.Role("READER"));
    }

    [Fact]
    public void Identity_commands_travel_through_the_log_codec_whole()
    {
        var sealedSecret = new byte[] { 1, 2, 3 };
        var decoded = (CreateAccessKey)CommandCodec.Decode(CommandCodec.Encode(new CreateAccessKey("u", "AKIA1", sealedSecret) { At = DateTimeOffset.UnixEpoch }));
        Assert.Equal(("u", "AKIA1"), (decoded.UserName, decoded.AccessKeyId));
        Assert.Equal(sealedSecret, decoded.SealedSecret);
        Assert.Equal(IdentityRows.Realm, decoded.Bucket);
        var member = (AddUserToGroup)CommandCodec.Decode(CommandCodec.Encode(new AddUserToGroup("g", "u") { At = DateTimeOffset.UnixEpoch }));
        Assert.Equal(("g", "u"), (member.GroupName, member.UserName));
    }

    [Fact]
    public async Task A_group_is_deleted_only_without_members_and_policies_and_a_member_user_only_once_removed()
    {
        await identities.ExecuteAsync(NewUser("gina"));
        await identities.ExecuteAsync(NewGroup("Readers"));
        var again = await Assert.ThrowsAsync<S3Exception>(() => identities.ExecuteAsync(NewGroup("readers")));
        Assert.Equal(("EntityAlreadyExists", 409, "Group with name readers already exists."), (again.Code.Code, again.Code.Status, again.Message));
        await identities.ExecuteAsync(new AddUserToGroup("readers", "GINA") { At = default });
        await identities.ExecuteAsync(new PutInlinePolicy(PolicyHolder.Group, "readers", "read", """{"Version":"2012-10-17","Statement":[]}""") { At = default });

        var table = await identities.ReadAsync();
        Assert.Equal(["gina"], table.MembersOf("READERS").Select(u => u.UserName));
        Assert.Equal(["Readers"], table.GroupsOf("gina").Select(g => g.GroupName));
        Assert.Equal(["read"], table.PoliciesOf(PolicyHolder.Group, "readers").Keys);

        var user = await Assert.ThrowsAsync<S3Exception>(() => identities.ExecuteAsync(new DeleteUser("gina") { At = default }));
        Assert.Equal(("DeleteConflict", 409, "Cannot delete entity, must remove users from group first."), (user.Code.Code, user.Code.Status, user.Message));
        var members = await Assert.ThrowsAsync<S3Exception>(() => identities.ExecuteAsync(new DeleteGroup("Readers") { At = default }));
        Assert.Equal(("DeleteConflict", "Cannot delete entity, must remove users from group first."), (members.Code.Code, members.Message));

        await identities.ExecuteAsync(new RemoveUserFromGroup("Readers", "gina") { At = default });
        await identities.ExecuteAsync(new DeleteUser("gina") { At = default });
        var policies = await Assert.ThrowsAsync<S3Exception>(() => identities.ExecuteAsync(new DeleteGroup("Readers") { At = default }));
        Assert.Equal(("DeleteConflict", "Cannot delete entity, must delete policies first."), (policies.Code.Code, policies.Message));
        await identities.ExecuteAsync(new DeleteInlinePolicy(PolicyHolder.Group, "Readers", "read") { At = default });
        await identities.ExecuteAsync(new DeleteGroup("Readers") { At = default });
        Assert.Empty((await identities.ReadAsync()).Groups);
    }

    [Fact]
    public async Task Memberships_need_both_ends_count_at_most_ten_groups_and_adding_twice_changes_nothing()
    {
        await identities.ExecuteAsync(NewUser("hank"));
        await identities.ExecuteAsync(NewGroup("g0"));
        var noUser = await Assert.ThrowsAsync<S3Exception>(() => identities.ExecuteAsync(new AddUserToGroup("g0", "nobody") { At = default }));
        Assert.Equal(("NoSuchEntity", 404, "The user with name nobody cannot be found."), (noUser.Code.Code, noUser.Code.Status, noUser.Message));
        var noGroup = await Assert.ThrowsAsync<S3Exception>(() => identities.ExecuteAsync(new AddUserToGroup("nogroup", "hank") { At = default }));
        Assert.Equal(("NoSuchEntity", "The group with name nogroup cannot be found."), (noGroup.Code.Code, noGroup.Message));
        var notMember = await Assert.ThrowsAsync<S3Exception>(() => identities.ExecuteAsync(new RemoveUserFromGroup("g0", "hank") { At = default }));
        Assert.Equal("NoSuchEntity", notMember.Code.Code);

        await identities.ExecuteAsync(new AddUserToGroup("g0", "hank") { At = default });
        await identities.ExecuteAsync(new AddUserToGroup("G0", "hank") { At = default });
        for (var i = 1; i < 10; i++)
        {
            await identities.ExecuteAsync(NewGroup("g" + i));
            await identities.ExecuteAsync(new AddUserToGroup("g" + i, "hank") { At = default });
        }
        await identities.ExecuteAsync(NewGroup("g10"));
        var quota = await Assert.ThrowsAsync<S3Exception>(() => identities.ExecuteAsync(new AddUserToGroup("g10", "hank") { At = default }));
        Assert.Equal(("LimitExceeded", 409, "Cannot exceed quota for GroupsPerUser: 10"), (quota.Code.Code, quota.Code.Status, quota.Message));
        Assert.Equal(10, (await identities.ReadAsync()).GroupsOf("hank").Count());
    }

    [Fact]
    public async Task UpdateAssumeRolePolicy_replaces_the_trust_policy_of_an_existing_role()
    {
        await identities.ExecuteAsync(new CreateRole(new RoleRecord("Deployer", "AROAAAAAAAAAAAAAAAAAB", "/", default, "old")) { At = default });
        await identities.ExecuteAsync(new UpdateAssumeRolePolicy("deployer", "new") { At = default });
        Assert.Equal("new", (await identities.ReadAsync()).Role("deployer")!.AssumeRolePolicyDocument);
        var missing = await Assert.ThrowsAsync<S3Exception>(() => identities.ExecuteAsync(new UpdateAssumeRolePolicy("nope", "x") { At = default }));
        Assert.Equal(("NoSuchEntity", "The role with name nope cannot be found."), (missing.Code.Code, missing.Message));
    }

    private static CreateGroup NewGroup(string name) => new(name, "/", "AGPA" + name.ToUpperInvariant().PadRight(17, 'X')) { At = default };

    private static CreateUser NewUser(string name) => new(name, "/", "AIDA" + name.ToUpperInvariant().PadRight(17, 'X')) { At = default };

    private static CreateAccessKey NewKey(string user, string id) => new(user, id, [0xAB]) { At = default };

    /// <summary>A policy document of exactly <paramref name="size"/> non-white-space characters.</summary>
    private static string Document(int size)
    {
        const string head = """{"Version":"2012-10-17","Statement":[],"Id":" """;
        var text = head.TrimEnd() + new string('x', size - head.TrimEnd().Length - 2) + "\"}";
        Assert.Equal(size, text.Count(c => !char.IsWhiteSpace(c)));
        return text;
    }
}
