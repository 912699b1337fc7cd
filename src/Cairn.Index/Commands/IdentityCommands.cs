using System.Text.Json.Serialization;
using Cairn.Index.Identities;

namespace Cairn.Index.Commands;

/// <summary>
/// A change of the IAM identities: a bucket command of the reserved realm (<see cref="IdentityRows.Realm"/>), applied by
/// <see cref="Apply.IdentityApply"/>, which makes IAM's decisions (unique names, quotas, what blocks a delete). Ids and
/// sealed secrets are made by the issuer, so the apply stays deterministic and no plain secret enters the log.
/// </summary>
public abstract record IdentityCommand<TResult> : IndexCommand<TResult>, IBucketCommand
{
    [JsonIgnore]
    public string Bucket => IdentityRows.Realm;
}

/// <summary>CreateUser: EntityAlreadyExists when a user has the name (in any case).</summary>
public sealed record CreateUser(string UserName, string Path, string UserId) : IdentityCommand<UserRecord>;

/// <summary>DeleteUser: DeleteConflict while the user has access keys or inline policies, or belongs to a group.</summary>
public sealed record DeleteUser(string UserName) : IdentityCommand<Done>;

/// <summary>CreateAccessKey: LimitExceeded past two keys per user. The secret arrives sealed.</summary>
public sealed record CreateAccessKey(string UserName, string AccessKeyId, byte[] SealedSecret) : IdentityCommand<AccessKeyRecord>;

/// <summary>UpdateAccessKey: Active or Inactive.</summary>
public sealed record UpdateAccessKey(string UserName, string AccessKeyId, AccessKeyStatus Status) : IdentityCommand<Done>;

public sealed record DeleteAccessKey(string UserName, string AccessKeyId) : IdentityCommand<Done>;

/// <summary>Put(User|Role|Group)Policy: adds or replaces an inline policy; LimitExceeded past the holder's aggregate size.</summary>
public sealed record PutInlinePolicy(PolicyHolder Holder, string HolderName, string PolicyName, string Document) : IdentityCommand<Done>;

/// <summary>Delete(User|Role|Group)Policy: NoSuchEntity when the holder has no policy of that name.</summary>
public sealed record DeleteInlinePolicy(PolicyHolder Holder, string HolderName, string PolicyName) : IdentityCommand<Done>;

/// <summary>CreateRole: EntityAlreadyExists when a role has the name (in any case).</summary>
public sealed record CreateRole(RoleRecord Role) : IdentityCommand<RoleRecord>;

/// <summary>DeleteRole: DeleteConflict while the role has inline policies.</summary>
public sealed record DeleteRole(string RoleName) : IdentityCommand<Done>;

/// <summary>UpdateAssumeRolePolicy: replaces a role's trust policy (validated by the issuer); NoSuchEntity without the role.</summary>
public sealed record UpdateAssumeRolePolicy(string RoleName, string Document) : IdentityCommand<Done>;

/// <summary>CreateGroup: EntityAlreadyExists when a group has the name (in any case).</summary>
public sealed record CreateGroup(string GroupName, string Path, string GroupId) : IdentityCommand<GroupRecord>;

/// <summary>DeleteGroup: DeleteConflict while the group has members or inline policies.</summary>
public sealed record DeleteGroup(string GroupName) : IdentityCommand<Done>;

/// <summary>AddUserToGroup: NoSuchEntity without the group or the user; LimitExceeded past ten groups per user; a member already is one.</summary>
public sealed record AddUserToGroup(string GroupName, string UserName) : IdentityCommand<Done>;

/// <summary>RemoveUserFromGroup: NoSuchEntity without the group, the user, or the membership.</summary>
public sealed record RemoveUserFromGroup(string GroupName, string UserName) : IdentityCommand<Done>;
