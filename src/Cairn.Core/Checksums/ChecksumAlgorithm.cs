namespace Cairn.Core.Checksums;

/// <summary>The additional checksum algorithms S3 accepts on upload (x-amz-checksum-*).</summary>
public enum ChecksumAlgorithm
{
    Crc32,
    Crc32C,
    Crc64Nvme,
    Sha1,
    Sha256,
}

public static class ChecksumAlgorithms
{
    public static readonly ChecksumAlgorithm[] All =
        [ChecksumAlgorithm.Crc32, ChecksumAlgorithm.Crc32C, ChecksumAlgorithm.Crc64Nvme, ChecksumAlgorithm.Sha1, ChecksumAlgorithm.Sha256];

    /// <summary>The name S3 uses in x-amz-sdk-checksum-algorithm and XML (CRC32, CRC32C, CRC64NVME, SHA1, SHA256).</summary>
    public static string Name(this ChecksumAlgorithm a) => a switch
    {
        ChecksumAlgorithm.Crc32 => "CRC32",
        ChecksumAlgorithm.Crc32C => "CRC32C",
        ChecksumAlgorithm.Crc64Nvme => "CRC64NVME",
        ChecksumAlgorithm.Sha1 => "SHA1",
        ChecksumAlgorithm.Sha256 => "SHA256",
        _ => throw new ArgumentOutOfRangeException(nameof(a)),
    };

    /// <summary>The request/response header carrying the base64 value, e.g. x-amz-checksum-crc32.</summary>
    public static string HeaderName(this ChecksumAlgorithm a) => "x-amz-checksum-" + a.Name().ToLowerInvariant();

    public static bool TryParse(string? name, out ChecksumAlgorithm algorithm)
    {
        foreach (var a in All)
        {
            if (string.Equals(a.Name(), name, StringComparison.OrdinalIgnoreCase))
            {
                algorithm = a;
                return true;
            }
        }
        algorithm = default;
        return false;
    }

    public static bool TryParseHeader(string headerName, out ChecksumAlgorithm algorithm)
    {
        algorithm = default;
        const string prefix = "x-amz-checksum-";
        return headerName.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)
            && !headerName.Equals("x-amz-checksum-mode", StringComparison.OrdinalIgnoreCase)
            && !headerName.Equals("x-amz-checksum-type", StringComparison.OrdinalIgnoreCase)
            && TryParse(headerName[prefix.Length..], out algorithm);
    }

    /// <summary>
    /// x-amz-checksum-type of an object's stored checksums: COMPOSITE for a checksum of its parts' checksums (the value
    /// ends in -N, the part count), else FULL_OBJECT; null when it has none.
    /// </summary>
    public static string? ChecksumType(IReadOnlyDictionary<string, string> stored) =>
        stored.Count == 0 ? null : stored.Values.Any(v => v.Contains('-')) ? "COMPOSITE" : "FULL_OBJECT";

    /// <summary>Encoded digest length in bytes.</summary>
    public static int DigestLength(this ChecksumAlgorithm a) => a switch
    {
        ChecksumAlgorithm.Crc32 or ChecksumAlgorithm.Crc32C => 4,
        ChecksumAlgorithm.Crc64Nvme => 8,
        ChecksumAlgorithm.Sha1 => 20,
        ChecksumAlgorithm.Sha256 => 32,
        _ => throw new ArgumentOutOfRangeException(nameof(a)),
    };

    public static IChecksum Create(this ChecksumAlgorithm a) => a switch
    {
        ChecksumAlgorithm.Crc32 => new NonCryptographicChecksum(new System.IO.Hashing.Crc32(), bigEndianFlip: true),
        ChecksumAlgorithm.Crc32C => new NonCryptographicChecksum(new Crc32C(), bigEndianFlip: false),
        ChecksumAlgorithm.Crc64Nvme => new NonCryptographicChecksum(new Crc64Nvme(), bigEndianFlip: false),
        ChecksumAlgorithm.Sha1 => new IncrementalChecksum(System.Security.Cryptography.HashAlgorithmName.SHA1),
        ChecksumAlgorithm.Sha256 => new IncrementalChecksum(System.Security.Cryptography.HashAlgorithmName.SHA256),
        _ => throw new ArgumentOutOfRangeException(nameof(a)),
    };
}
