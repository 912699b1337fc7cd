namespace Cairn.Index.Identities;

/// <summary>An IAM user as stored: its name as created (names are unique regardless of case, as in IAM), path and unique id.</summary>
public sealed record UserRecord(string UserName, string UserId, string Path, DateTimeOffset Created);

/// <summary>Whether an access key signs requests (IAM's two states).</summary>
public enum AccessKeyStatus
{
    Active,
    Inactive,
}

/// <summary>
/// An access key as stored: the secret only sealed under the master key ring, bound to the key id
/// (<see cref="IdentityRows.SecretPurpose"/>), so neither the Raft log nor the index ever holds it in plain text.
/// </summary>
public sealed record AccessKeyRecord(string AccessKeyId, string UserName, AccessKeyStatus Status, DateTimeOffset Created, byte[] SealedSecret);

/// <summary>
/// An IAM role: who may assume it (the trust policy, <see cref="AssumeRolePolicyDocument"/>) and for how long a session may last at most.
/// </summary>
public sealed record RoleRecord(string RoleName, string RoleId, string Path, DateTimeOffset Created, string AssumeRolePolicyDocument)
{
    public int MaxSessionDuration { get; init; } = 3600;

    public string? Description { get; init; }
}

/// <summary>An IAM group: a name for a set of users whose inline policies apply to each member.</summary>
public sealed record GroupRecord(string GroupName, string GroupId, string Path, DateTimeOffset Created);

/// <summary>One user's membership of one group, by the names as created (stored under the group and under the user).</summary>
public sealed record GroupMember(string GroupName, string UserName);

/// <summary>What an inline policy is attached to.</summary>
public enum PolicyHolder
{
    User,
    Role,
    Group,
}
