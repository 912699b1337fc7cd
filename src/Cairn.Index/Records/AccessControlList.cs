namespace Cairn.Index.Records;

/// <summary>The five permissions an ACL grant gives, in S3's words.</summary>
public enum AclPermission
{
    READ,
    WRITE,
    READ_ACP,
    WRITE_ACP,
    FULL_CONTROL,
}

/// <summary>Who a grant is to: one canonical user (by <see cref="Id"/>) or one of S3's predefined groups (by <see cref="Uri"/>).</summary>
public sealed record AclGrantee
{
    public const string AllUsers = "http://acs.amazonaws.com/groups/global/AllUsers";
    public const string AuthenticatedUsers = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";
    public const string LogDelivery = "http://acs.amazonaws.com/groups/s3/LogDelivery";

    /// <summary>The canonical user id; null for a group.</summary>
    public string? Id { get; init; }

    /// <summary>The group's URI; null for a canonical user.</summary>
    public string? Uri { get; init; }

    public static AclGrantee User(string id) => new() { Id = id };

    public static AclGrantee Group(string uri) => new() { Uri = uri };

    /// <summary>A grant to everyone, signed or not, or to every signed request: what Block Public Access calls public.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsPublic => Uri is AllUsers or AuthenticatedUsers;
}

public sealed record AclGrant(AclGrantee Grantee, AclPermission Permission);

/// <summary>
/// An access control list as S3 keeps it on a bucket or on one object version: its owner (a canonical user id) and its
/// grants. The owner holds what the grants give it and nothing implicitly but what S3 gives every resource owner.
/// </summary>
public sealed record AccessControlList
{
    public required string Owner { get; init; }

    public List<AclGrant> Grants { get; init; } = [];

    /// <summary>The default ACL of anything created without one ("private"): its owner has FULL_CONTROL, nobody else anything.</summary>
    public static AccessControlList Private(string owner) => new() { Owner = owner, Grants = [new AclGrant(AclGrantee.User(owner), AclPermission.FULL_CONTROL)] };

    /// <summary>
    /// Whether every grant is to <paramref name="bucketOwner"/>: what a bucket with ACLs disabled (BucketOwnerEnforced)
    /// still accepts, as it gives nobody else anything ("bucket-owner-full-control", or its equivalent).
    /// </summary>
    public bool GrantsOnlyTo(string bucketOwner) => Grants.All(g => g.Grantee.Id == bucketOwner);

    /// <summary>Whether any grant is to AllUsers or AuthenticatedUsers.</summary>
    public bool IsPublic => Grants.Any(g => g.Grantee.IsPublic);
}
