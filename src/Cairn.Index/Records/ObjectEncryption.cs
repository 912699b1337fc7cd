namespace Cairn.Index.Records;

/// <summary>
/// How an object (or a multipart upload, for the object it will be) is encrypted at rest: its bytes are sealed blocks
/// (Cairn.Core.Encryption.SealedBlocks) under a data key of its own, kept here only sealed — by the master key ring
/// (SSE-S3, SSE-KMS, with a purpose naming the KMS key and encryption context) or by the customer's key (SSE-C, whose
/// key is never stored: a wrong key does not open the data key).
/// </summary>
public sealed record ObjectEncryption
{
    public const string Aes256 = "AES256";
    public const string Kms = "aws:kms";

    /// <summary>S3's x-amz-server-side-encryption value (AES256 or aws:kms); for SSE-C, the customer algorithm (AES256).</summary>
    public required string Algorithm { get; init; }

    /// <summary>SSE-C: the data key is wrapped by the customer's key.</summary>
    public bool CustomerKey { get; init; }

    /// <summary>SSE-KMS: the key's ARN.</summary>
    public string? KmsKeyArn { get; init; }

    /// <summary>SSE-KMS: the encryption context as the client sent it (base64 of a JSON object), if any.</summary>
    public string? KmsContext { get; init; }

    /// <summary>SSE-KMS: whether the client asked for an S3 Bucket Key (echoed back as S3 does).</summary>
    public bool BucketKeyEnabled { get; init; }

    /// <summary>The data key, sealed.</summary>
    public required byte[] SealedDataKey { get; init; }
}
