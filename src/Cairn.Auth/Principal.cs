namespace Cairn.Auth;

/// <summary>What kind of identity made a request.</summary>
public enum PrincipalKind
{
    /// <summary>No credentials: only what a bucket policy or ACL grants to everyone.</summary>
    Anonymous,

    /// <summary>The account's root credentials (the server's configured pair): every action, as AWS's account root.</summary>
    Root,

    /// <summary>An IAM user, by one of its access keys.</summary>
    User,

    /// <summary>Temporary credentials from STS AssumeRole.</summary>
    AssumedRole,
}

/// <summary>
/// Who made a request, in IAM's terms: the one account Cairn serves (<see cref="AccountId"/>) and, inside it, the
/// root, a user or an assumed-role session. Policies name it by <see cref="Arn"/>; ACLs and the bucket owner by
/// <see cref="CanonicalId"/>.
/// </summary>
public sealed record Principal(PrincipalKind Kind, string Arn, string CanonicalId)
{
    /// <summary>The account every bucket, user and role of this store belongs to.</summary>
    public const string AccountId = "000000000000";

    public static readonly Principal Anonymous = new(PrincipalKind.Anonymous, "*", "65a011a29cdf8ec533ec3d1ccaae921c");

    /// <summary>The IAM user name (for a user), or the role name (for an assumed role).</summary>
    public string? Name { get; init; }

    /// <summary>The access key id the request was signed with; null when anonymous.</summary>
    public string? AccessKey { get; init; }

    /// <summary>The IAM unique id (AIDA… for users, AROA…:session for roles) that aws:userid names.</summary>
    public string? UserId { get; init; }

    /// <summary>An assumed-role session's session policy (AssumeRole's Policy): its permissions are the role's intersected with it.</summary>
    public string? SessionPolicy { get; init; }

    public static Principal Root(string canonicalId) =>
        new(PrincipalKind.Root, $"arn:aws:iam::{AccountId}:root", canonicalId) { UserId = AccountId };
}
