namespace Cairn.FrontDoor;

public sealed record FrontDoorOptions
{
    public string Region { get; init; } = "us-east-1";

    /// <summary>Domains under which bucket.domain means virtual-hosted-style addressing.</summary>
    public IReadOnlyList<string> Domains { get; init; } = ["localhost"];

    /// <summary>
    /// Domains under which bucket.domain is the bucket's website endpoint (e.g. s3-website.localhost): anonymous GET and
    /// HEAD served as a static website, from buckets with a website configuration. None by default.
    /// </summary>
    public IReadOnlyList<string> WebsiteDomains { get; init; } = [];

    /// <summary>Objects up to this size live inline in their index record, sharing its group-committed fsync.</summary>
    public long InlineThreshold { get; init; } = 16 * 1024;

    /// <summary>Every part of a multipart upload but the last must be at least this large (S3: 5 MiB).</summary>
    public long MinimumPartSize { get; init; } = 5 * 1024 * 1024;

    /// <summary>Header size, upload rate and connection timeouts.</summary>
    public Hosting.RequestLimits Limits { get; init; } = new();

    /// <summary>
    /// Whether a bucket without a default encryption configuration encrypts new objects with SSE-S3 (as S3 does since
    /// January 2023); false (<c>--default-encryption none</c>) stores objects that ask for nothing unencrypted.
    /// </summary>
    public bool EncryptByDefault { get; init; } = true;

    /// <summary>KMS keys SSE-KMS may name besides aws/s3: <c>ID</c> or <c>alias/NAME=ID</c> (see Encryption.KmsKeyRing).</summary>
    public IReadOnlyList<string> KmsKeys { get; init; } = [];

    /// <summary>The shortest session STS AssumeRole grants (AWS: 900 seconds); lowered only for tests and demos of expiry.</summary>
    public int MinimumSessionSeconds { get; init; } = 900;

    /// <summary>How often each node delivers the access log lines it buffered, one log object per logged bucket (S3: within minutes).</summary>
    public TimeSpan AccessLogInterval { get; init; } = TimeSpan.FromMinutes(5);

    public required string AccessKey { get; init; }
    public required string SecretKey { get; init; }
}
