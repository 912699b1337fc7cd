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

/// <summary>DeleteUser: DeleteConflict while the user has access keys or inline policies.</summary>
public sealed record DeleteUser(string UserName) : IdentityCommand<Done>;

/// <summary>CreateAccessKey: LimitExceeded past two keys per user. The secret arrives sealed.</summary>
public sealed record CreateAccessKey(string UserName, string AccessKeyId, byte[] SealedSecret) : IdentityCommand<AccessKeyRecord>;

/// <summary>UpdateAccessKey: Active or Inactive.</summary>
public sealed record UpdateAccessKey(string UserName, string AccessKeyId, AccessKeyStatus Status) : IdentityCommand<Done>;

public sealed record DeleteAccessKey(string UserName, string AccessKeyId) : IdentityCommand<Done>;

/// <summary>Put(User|Role)Policy: adds or replaces an inline policy; LimitExceeded past the holder's aggregate size.</summary>
public sealed record PutInlinePolicy(PolicyHolder Holder, string HolderName, string PolicyName, string Document) : IdentityCommand<Done>;

/// <summary>Delete(User|Role)Policy: NoSuchEntity when the holder has no policy of that name.</summary>
public sealed record DeleteInlinePolicy(PolicyHolder Holder, string HolderName, string PolicyName) : IdentityCommand<Done>;

/// <summary>CreateRole: EntityAlreadyExists when a role has the name (in any case).</summary>
public sealed record CreateRole(RoleRecord Role) : IdentityCommand<RoleRecord>;

/// <summary>DeleteRole: DeleteConflict while the role has inline policies.</summary>
public sealed record DeleteRole(string RoleName) : IdentityCommand<Done>;
