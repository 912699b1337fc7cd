namespace Cairn.Auth;

/// <summary>The outcome of a successful SigV4 authentication.</summary>
public sealed class AuthResult
{
    public required string AccessKey { get; init; }

    /// <summary>Who signed: the principal the access key stands for.</summary>
    public required Principal Principal { get; init; }

    public required PayloadMode PayloadMode { get; init; }

    /// <summary>The service named in the credential scope: s3, or iam / sts for those APIs.</summary>
    public string Service { get; init; } = "s3";

    /// <summary>Lowercase hex SHA-256 the body must hash to (only for <see cref="PayloadMode.SignedSha256"/>).</summary>
    public string? ExpectedSha256Hex { get; init; }

    public bool IsPresigned { get; init; }

    /// <summary>Chunk-signature chaining state (only for the signed streaming modes).</summary>
    public ChunkSigningContext? Chunks { get; init; }

    /// <summary>X-Amz-Decoded-Content-Length for the aws-chunked modes, when the client sent it.</summary>
    public long? DecodedContentLength { get; init; }

    /// <summary>The region named in the credential scope (the one that was signed).</summary>
    public string Region { get; init; } = "";

    /// <summary>The request time that was signed (x-amz-date, Date, or X-Amz-Date for presigned URLs).</summary>
    public DateTimeOffset RequestTime { get; init; }
}
