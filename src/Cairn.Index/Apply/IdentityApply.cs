using System.Text;
using Cairn.Index.Commands;
using Cairn.Index.Identities;
using Cairn.Index.Records;

namespace Cairn.Index.Apply;

/// <summary>
/// IAM's decisions, made inside the shard from its rows and the command alone: unique names, at most two access keys
/// per user and ten groups per user, a user, group or role is deleted only once nothing hangs on it (keys, policies,
/// memberships), the inline-policy size quotas.
/// </summary>
internal sealed class IdentityApply
{
    /// <summary>IAM's quota: two access keys per user.</summary>
    public const int AccessKeysPerUser = 2;

    /// <summary>IAM's quota: a user belongs to at most ten groups.</summary>
    public const int GroupsPerUser = 10;

    /// <summary>IAM's aggregate size of a holder's inline policies, in characters not counting white space.</summary>
    public static int PolicySizeQuota(PolicyHolder holder) => holder switch
    {
        PolicyHolder.User => 2_048,
        PolicyHolder.Group => 5_120,
        _ => 10_240,
    };

    public UserRecord CreateUser(ShardTables t, CreateUser c) =>
        Create(t, IdentityRows.User(c.UserName), "User", c.UserName, new UserRecord(c.UserName, c.UserId, c.Path, c.At), IdentityJson.Encode);

    public Done DeleteUser(ShardTables t, DeleteUser c)
    {
        RequireUser(t, c.UserName);
        if (Any(t, IdentityRows.AccessKeysOf(c.UserName))) throw IamErrors.DeleteConflict("delete access keys");
        if (Any(t, IdentityRows.PoliciesOf(PolicyHolder.User, c.UserName))) throw IamErrors.DeleteConflict("delete policies");
        if (Any(t, IdentityRows.GroupsOf(c.UserName))) throw IamErrors.DeleteConflict("remove users from group");
        t.State.Delete(IdentityRows.User(c.UserName));
        return default;
    }

    public AccessKeyRecord CreateAccessKey(ShardTables t, CreateAccessKey c)
    {
        var user = RequireUser(t, c.UserName);
        if (Count(t, IdentityRows.AccessKeysOf(c.UserName)) >= AccessKeysPerUser)
            throw IamErrors.LimitExceeded($"Cannot exceed quota for AccessKeysPerUser: {AccessKeysPerUser}");
        var key = new AccessKeyRecord(c.AccessKeyId, user.UserName, AccessKeyStatus.Active, c.At, c.SealedSecret);
        t.State.Put(IdentityRows.AccessKey(c.UserName, c.AccessKeyId), IdentityJson.Encode(key));
        return key;
    }

    public Done UpdateAccessKey(ShardTables t, UpdateAccessKey c)
    {
        var key = RequireAccessKey(t, c.UserName, c.AccessKeyId);
        t.State.Put(IdentityRows.AccessKey(c.UserName, c.AccessKeyId), IdentityJson.Encode(key with { Status = c.Status }));
        return default;
    }

    public Done DeleteAccessKey(ShardTables t, DeleteAccessKey c)
    {
        RequireAccessKey(t, c.UserName, c.AccessKeyId);
        t.State.Delete(IdentityRows.AccessKey(c.UserName, c.AccessKeyId));
        return default;
    }

    public Done PutPolicy(ShardTables t, PutInlinePolicy c)
    {
        RequireHolder(t, c.Holder, c.HolderName);
        var row = IdentityRows.Policy(c.Holder, c.HolderName, c.PolicyName);
        var (from, to) = IdentityRows.PoliciesOf(c.Holder, c.HolderName);
        var others = t.State.Scan(from, to).Where(e => !e.Key.AsSpan().SequenceEqual(row)).Sum(e => Size(Encoding.UTF8.GetString(e.Value)));
        var quota = PolicySizeQuota(c.Holder);
        if (others + Size(c.Document) > quota)
            throw IamErrors.LimitExceeded($"Maximum policy size of {quota} bytes exceeded for {HolderWord(c.Holder)} {c.HolderName}");
        t.State.Put(row, Encoding.UTF8.GetBytes(c.Document));
        return default;
    }

    public Done DeletePolicy(ShardTables t, DeleteInlinePolicy c)
    {
        RequireHolder(t, c.Holder, c.HolderName);
        var row = IdentityRows.Policy(c.Holder, c.HolderName, c.PolicyName);
        if (t.State.Get(row) is null) throw IamErrors.NoSuchEntity($"{HolderWord(c.Holder)} policy", c.PolicyName);
        t.State.Delete(row);
        return default;
    }

    public RoleRecord CreateRole(ShardTables t, CreateRole c) =>
        Create(t, IdentityRows.Role(c.Role.RoleName), "Role", c.Role.RoleName, c.Role with { Created = c.At }, IdentityJson.Encode);

    public Done DeleteRole(ShardTables t, DeleteRole c)
    {
        RequireHolder(t, PolicyHolder.Role, c.RoleName);
        if (Any(t, IdentityRows.PoliciesOf(PolicyHolder.Role, c.RoleName))) throw IamErrors.DeleteConflict("delete policies");
        t.State.Delete(IdentityRows.Role(c.RoleName));
        return default;
    }

    public Done UpdateAssumeRolePolicy(ShardTables t, UpdateAssumeRolePolicy c)
    {
        var row = t.State.Get(IdentityRows.Role(c.RoleName)) ?? throw IamErrors.NoSuchEntity("role", c.RoleName);
        t.State.Put(IdentityRows.Role(c.RoleName), IdentityJson.Encode(IdentityJson.DecodeRole(row) with { AssumeRolePolicyDocument = c.Document }));
        return default;
    }

    public GroupRecord CreateGroup(ShardTables t, CreateGroup c) =>
        Create(t, IdentityRows.Group(c.GroupName), "Group", c.GroupName, new GroupRecord(c.GroupName, c.GroupId, c.Path, c.At), IdentityJson.Encode);

    public Done DeleteGroup(ShardTables t, DeleteGroup c)
    {
        RequireGroup(t, c.GroupName);
        if (Any(t, IdentityRows.MembersOf(c.GroupName))) throw IamErrors.DeleteConflict("remove users from group");
        if (Any(t, IdentityRows.PoliciesOf(PolicyHolder.Group, c.GroupName))) throw IamErrors.DeleteConflict("delete policies");
        t.State.Delete(IdentityRows.Group(c.GroupName));
        return default;
    }

    /// <summary>Adding a member again changes nothing and succeeds, as in IAM.</summary>
    public Done AddUserToGroup(ShardTables t, AddUserToGroup c)
    {
        var group = RequireGroup(t, c.GroupName);
        var user = RequireUser(t, c.UserName);
        if (t.State.Get(IdentityRows.Member(c.GroupName, c.UserName)) is not null) return default;
        if (Count(t, IdentityRows.GroupsOf(c.UserName)) >= GroupsPerUser)
            throw IamErrors.LimitExceeded($"Cannot exceed quota for GroupsPerUser: {GroupsPerUser}");
        var member = IdentityJson.Encode(new GroupMember(group.GroupName, user.UserName));
        t.State.Put(IdentityRows.Member(c.GroupName, c.UserName), member);
        t.State.Put(IdentityRows.MemberOf(c.UserName, c.GroupName), member);
        return default;
    }

    public Done RemoveUserFromGroup(ShardTables t, RemoveUserFromGroup c)
    {
        RequireGroup(t, c.GroupName);
        RequireUser(t, c.UserName);
        if (t.State.Get(IdentityRows.Member(c.GroupName, c.UserName)) is null)
            throw new Core.Errors.S3Exception(IamErrors.NoSuchEntityCode, $"User {c.UserName} is not in group {c.GroupName}.");
        t.State.Delete(IdentityRows.Member(c.GroupName, c.UserName));
        t.State.Delete(IdentityRows.MemberOf(c.UserName, c.GroupName));
        return default;
    }

    /// <summary>A new user, group or role: EntityAlreadyExists when its row (the name in any case) is taken.</summary>
    private static T Create<T>(ShardTables t, byte[] row, string what, string name, T record, Func<T, byte[]> encode)
    {
        if (t.State.Get(row) is not null) throw IamErrors.EntityAlreadyExists(what, name);
        t.State.Put(row, encode(record));
        return record;
    }

    private static GroupRecord RequireGroup(ShardTables t, string groupName) =>
        t.State.Get(IdentityRows.Group(groupName)) is { } row ? IdentityJson.DecodeGroup(row) : throw IamErrors.NoSuchEntity("group", groupName);

    private static UserRecord RequireUser(ShardTables t, string userName) =>
        t.State.Get(IdentityRows.User(userName)) is { } row ? IdentityJson.DecodeUser(row) : throw IamErrors.NoSuchEntity("user", userName);

    private static void RequireHolder(ShardTables t, PolicyHolder holder, string name)
    {
        var row = holder switch
        {
            PolicyHolder.User => IdentityRows.User(name),
            PolicyHolder.Role => IdentityRows.Role(name),
            _ => IdentityRows.Group(name),
        };
        if (t.State.Get(row) is null) throw IamErrors.NoSuchEntity(HolderWord(holder), name);
    }

    private static AccessKeyRecord RequireAccessKey(ShardTables t, string userName, string accessKeyId)
    {
        RequireUser(t, userName);
        return t.State.Get(IdentityRows.AccessKey(userName, accessKeyId)) is { } row
            ? IdentityJson.DecodeAccessKey(row)
            : throw IamErrors.NoSuchAccessKey(accessKeyId);
    }

    private static string HolderWord(PolicyHolder holder) => IdentityRows.Holder(holder);

    private static bool Any(ShardTables t, (byte[] From, byte[] To) rows) => t.State.Scan(rows.From, rows.To).Any();

    private static int Count(ShardTables t, (byte[] From, byte[] To) rows) => t.State.Scan(rows.From, rows.To).Count();

    /// <summary>A policy's size as IAM counts it against the quota: its characters, white space not counted.</summary>
    private static int Size(string document) => document.Count(c => !char.IsWhiteSpace(c));
}
