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

    /// <summary>The shortest session STS AssumeRole grants (AWS: 900 seconds); lowered only for tests and demos of expiry.</summary>
    public int MinimumSessionSeconds { get; init; } = 900;

    public required string AccessKey { get; init; }
    public required string SecretKey { get; init; }
}
