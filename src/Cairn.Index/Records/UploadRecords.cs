using Cairn.Core.Blobs;

namespace Cairn.Index.Records;

/// <summary>A multipart upload in progress: what the object will be once completed.</summary>
public sealed record UploadRecord
{
    public required string UploadId { get; init; }
    public required string Key { get; init; }
    public required DateTimeOffset Initiated { get; init; }
    public string StorageClass { get; init; } = "STANDARD";
    public string? ContentType { get; init; }
    public Dictionary<string, string> Headers { get; init; } = new(StringComparer.OrdinalIgnoreCase);
    public Dictionary<string, string> Metadata { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The tag set from x-amz-tagging at creation, which the completed object carries.</summary>
    public Dictionary<string, string> Tags { get; init; } = new(StringComparer.Ordinal);

    /// <summary>The Object Lock retention and legal hold asked for at creation, which the completed object carries.</summary>
    public ObjectRetention? Retention { get; init; }

    public LegalHoldStatus? LegalHold { get; init; }

    /// <summary>The encryption of the object it will be: every part is sealed under this data key.</summary>
    public ObjectEncryption? Encryption { get; init; }

    /// <summary>The ACL asked for at creation (x-amz-acl, x-amz-grant-*), which the completed object carries; null is the default.</summary>
    public AccessControlList? Acl { get; init; }

    /// <summary>The checksum algorithm named at creation (CRC32, SHA256, …), which every part must carry.</summary>
    public string? ChecksumAlgorithm { get; init; }

    /// <summary>COMPOSITE (checksum of the parts' checksums, "-N") or FULL_OBJECT (CRCs combined into the whole object's).</summary>
    public string? ChecksumType { get; init; }
}

/// <summary>One uploaded part: an immutable blob of its own.</summary>
public sealed record PartRecord
{
    public required int PartNumber { get; init; }
    public required long Size { get; init; }

    /// <summary>Quoted MD5 hex of the part.</summary>
    public required string ETag { get; init; }

    public required DateTimeOffset LastModified { get; init; }
    public required BlobLayout Blob { get; init; }
    public Dictionary<string, string> Checksums { get; init; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary>A completed upload, remembered for a day so that a retried CompleteMultipartUpload gets the first answer.</summary>
public sealed record CompletedUploadRecord
{
    /// <summary>SHA-256 of the manifest (part numbers and ETags) that completed it.</summary>
    public required string ManifestDigest { get; init; }
    public required DateTimeOffset Completed { get; init; }
    public required string VersionId { get; init; }
    public required string ETag { get; init; }
    public Dictionary<string, string> Checksums { get; init; } = new(StringComparer.OrdinalIgnoreCase);
}
