namespace Cairn.Policies;

/// <summary>Which resource type an S3 action is authorized on (AWS's "Actions, resources and condition keys" table).</summary>
public enum S3ResourceScope
{
    /// <summary>arn:aws:s3:::bucket/key</summary>
    Object,

    /// <summary>arn:aws:s3:::bucket</summary>
    Bucket,

    /// <summary>"*": account-level actions such as s3:ListAllMyBuckets, which no bucket policy can grant.</summary>
    Account,
}

/// <summary>The S3 action names IAM knows, each with its resource type: what a bucket policy may name.</summary>
public static class S3Actions
{
    private static readonly string[] ObjectActions =
    [
        "AbortMultipartUpload", "BypassGovernanceRetention", "DeleteObject", "DeleteObjectTagging",
        "DeleteObjectVersion", "DeleteObjectVersionTagging", "GetObject", "GetObjectAcl", "GetObjectAttributes",
        "GetObjectLegalHold", "GetObjectRetention", "GetObjectTagging", "GetObjectTorrent", "GetObjectVersion",
        "GetObjectVersionAcl", "GetObjectVersionAttributes", "GetObjectVersionForReplication",
        "GetObjectVersionTagging", "GetObjectVersionTorrent", "InitiateReplication", "ListMultipartUploadParts",
        "ObjectOwnerOverrideToBucketOwner", "PutObject", "PutObjectAcl", "PutObjectLegalHold", "PutObjectRetention",
        "PutObjectTagging", "PutObjectVersionAcl", "PutObjectVersionTagging", "ReplicateDelete", "ReplicateObject",
        "ReplicateTags", "RestoreObject",
    ];

    private static readonly string[] BucketActions =
    [
        "CreateBucket", "DeleteBucket", "DeleteBucketOwnershipControls", "DeleteBucketPolicy", "DeleteBucketWebsite",
        "GetAccelerateConfiguration", "GetAnalyticsConfiguration", "GetBucketAcl", "GetBucketCORS",
        "GetBucketLocation", "GetBucketLogging", "GetBucketNotification", "GetBucketObjectLockConfiguration",
        "GetBucketOwnershipControls", "GetBucketPolicy", "GetBucketPolicyStatus", "GetBucketPublicAccessBlock",
        "GetBucketRequestPayment", "GetBucketTagging", "GetBucketVersioning", "GetBucketWebsite",
        "GetEncryptionConfiguration", "GetIntelligentTieringConfiguration", "GetInventoryConfiguration",
        "GetLifecycleConfiguration", "GetMetricsConfiguration", "GetReplicationConfiguration", "ListBucket",
        "ListBucketMultipartUploads", "ListBucketVersions", "PutAccelerateConfiguration",
        "PutAnalyticsConfiguration", "PutBucketAcl", "PutBucketCORS", "PutBucketLogging", "PutBucketNotification",
        "PutBucketObjectLockConfiguration", "PutBucketOwnershipControls", "PutBucketPolicy",
        "PutBucketPublicAccessBlock", "PutBucketRequestPayment", "PutBucketTagging", "PutBucketVersioning",
        "PutBucketWebsite", "PutEncryptionConfiguration", "PutIntelligentTieringConfiguration",
        "PutInventoryConfiguration", "PutLifecycleConfiguration", "PutMetricsConfiguration",
        "PutReplicationConfiguration",
    ];

    private static readonly string[] AccountActions =
    [
        "GetAccountPublicAccessBlock", "ListAccessPoints", "ListAllMyBuckets", "PutAccountPublicAccessBlock",
    ];

    private static readonly Dictionary<string, S3ResourceScope> Scopes = BuildScopes();

    /// <summary>The scope of an action named without wildcards ("s3:GetObject", any case); null when S3 has no such action.</summary>
    public static S3ResourceScope? ScopeOf(string action) =>
        action.StartsWith("s3:", StringComparison.OrdinalIgnoreCase) && Scopes.TryGetValue(action[3..], out var scope)
            ? scope
            : null;

    /// <summary>Every action name, "s3:" included.</summary>
    public static IEnumerable<string> All => Scopes.Keys.Select(name => "s3:" + name);

    private static Dictionary<string, S3ResourceScope> BuildScopes()
    {
        var scopes = new Dictionary<string, S3ResourceScope>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in ObjectActions)
            scopes[name] = S3ResourceScope.Object;
        foreach (var name in BucketActions)
            scopes[name] = S3ResourceScope.Bucket;
        foreach (var name in AccountActions)
            scopes[name] = S3ResourceScope.Account;
        return scopes;
    }
}
