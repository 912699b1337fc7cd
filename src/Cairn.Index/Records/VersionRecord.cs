using Cairn.Core.Blobs;

namespace Cairn.Index.Records;

/// <summary>One version of one key: what a name means at one point in its history.</summary>
public sealed record VersionRecord
{
    /// <summary>The S3 version id; "null" for versions written while versioning was off or suspended.</summary>
    public required string VersionId { get; init; }

    /// <summary>Commit order; versions of a key sort newest first by it.</summary>
    public required long Sequence { get; init; }

    public bool IsDeleteMarker { get; init; }
    public required DateTimeOffset LastModified { get; init; }
    public long Size { get; init; }

    /// <summary>The ETag as S3 returns it, quoted.</summary>
    public string ETag { get; init; } = "";

    public string StorageClass { get; init; } = "STANDARD";

    /// <summary>When the version entered its storage class; a transition resets it. Null means since LastModified.</summary>
    public DateTimeOffset? ClassSince { get; init; }

    /// <summary>The latest RestoreObject request on an archived version, if any.</summary>
    public RestoreRecord? Restore { get; init; }

    public string? ContentType { get; init; }

    /// <summary>Standard headers kept verbatim: Content-Encoding, Content-Disposition, Cache-Control, Expires, Content-Language.</summary>
    public Dictionary<string, string> Headers { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>User metadata, names without the x-amz-meta- prefix, lowercase.</summary>
    public Dictionary<string, string> Metadata { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The object's tag set (S3 object tagging): case-sensitive keys, at most 10, changed in place by PutObjectTagging.</summary>
    public Dictionary<string, string> Tags { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Object Lock retention (mode and retain-until date), if any: the shard refuses to remove the version before that date.</summary>
    public ObjectRetention? Retention { get; init; }

    /// <summary>Object Lock legal hold; null when none was ever set on this version.</summary>
    public LegalHoldStatus? LegalHold { get; init; }

    /// <summary>The version's ACL; null is the default ("private": its owner, the bucket's, has FULL_CONTROL). Changed in place by PutObjectAcl.</summary>
    public AccessControlList? Acl { get; init; }

    /// <summary>Additional checksums by S3 algorithm name (CRC32, SHA256, …), base64.</summary>
    public Dictionary<string, string> Checksums { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Where the bytes are, unless they are small enough to live inline.</summary>
    public BlobLayout? Blob { get; init; }

    public byte[]? Inline { get; init; }

    /// <summary>Set when the stored bytes (blob, parts or inline) are sealed blocks rather than the plaintext.</summary>
    public ObjectEncryption? Encryption { get; init; }

    /// <summary>For an object stitched by CompleteMultipartUpload: its parts' blobs, in order. No byte was copied.</summary>
    public List<PartRecord>? Parts { get; init; }

    /// <summary>
    /// A multipart object whose part blobs a transition rewrote into one <see cref="Blob"/> keeps what its parts were
    /// (number, size, checksums), as S3 does: GetObjectAttributes and partNumber reads still see them.
    /// </summary>
    public List<ObjectPart>? RewrittenParts { get; init; }

    /// <summary>The parts a multipart object was completed from, whichever way its bytes are held now; null for an object put whole.</summary>
    public IReadOnlyList<ObjectPart>? CompletedParts() => Parts?.Select(ObjectPart.Of).ToList() ?? RewrittenParts;

    /// <summary>COMPOSITE when the checksum is one of the parts' checksums (its value ends in "-N"), else FULL_OBJECT; null without one.</summary>
    public string? ChecksumType() => Cairn.Core.Checksums.ChecksumAlgorithms.ChecksumType(Checksums);

    [System.Text.Json.Serialization.JsonIgnore]
    public DateTimeOffset EnteredClass => ClassSince ?? LastModified;

    /// <summary>Every blob this version owns, whichever way its bytes are held.</summary>
    public IEnumerable<BlobLayout> Blobs()
    {
        if (Blob is not null) yield return Blob;
        if (Parts is not null)
            foreach (var part in Parts) yield return part.Blob;
    }
}
