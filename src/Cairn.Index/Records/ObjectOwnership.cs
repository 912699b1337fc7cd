namespace Cairn.Index.Records;

/// <summary>
/// S3 Object Ownership, a bucket's ownership controls: with BucketOwnerEnforced (the default of every new bucket) ACLs are
/// disabled; BucketOwnerPreferred and ObjectWriter enable them. A bucket with no controls (they were deleted) behaves as
/// ObjectWriter, as in S3.
/// </summary>
public enum ObjectOwnership
{
    BucketOwnerEnforced,
    BucketOwnerPreferred,
    ObjectWriter,
}

/// <summary>Where a bucket's ownership controls and ACL are kept: bucket settings, each one named row in every range of the bucket.</summary>
public static class AclSettings
{
    /// <summary>The ownership controls' setting: the <see cref="ObjectOwnership"/> value's name, or no row.</summary>
    public const string Ownership = "ownership-controls";

    /// <summary>The bucket ACL's setting: the <see cref="AccessControlList"/> as JSON, or no row (the owner's FULL_CONTROL).</summary>
    public const string BucketAcl = "acl";

    /// <summary>A bucket's object ownership from its stored setting; null when it has none (ACLs enabled, as ObjectWriter).</summary>
    public static ObjectOwnership? OwnershipOf(string? document) =>
        document is not null && Enum.TryParse<ObjectOwnership>(document, out var ownership) ? ownership : null;

    /// <summary>Whether a bucket with this setting honours ACLs: every value but BucketOwnerEnforced, and none at all.</summary>
    public static bool AclsEnabled(ObjectOwnership? ownership) => ownership != ObjectOwnership.BucketOwnerEnforced;

    public static string Encode(AccessControlList acl) => System.Text.Json.JsonSerializer.Serialize(acl, IndexJsonContext.Default.AccessControlList);

    public static AccessControlList? DecodeAcl(string? document) =>
        document is null ? null : System.Text.Json.JsonSerializer.Deserialize(document, IndexJsonContext.Default.AccessControlList);
}
