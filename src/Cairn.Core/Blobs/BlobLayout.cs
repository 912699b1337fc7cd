namespace Cairn.Core.Blobs;

/// <summary>
/// Where an immutable blob's bytes live: its id, length and the drive holding each fragment slot.
/// The data plane produces it on write and is handed it back on read; the index stores it opaquely.
/// </summary>
public sealed record BlobLayout
{
    public required string BlobId { get; init; }
    public required long Length { get; init; }

    /// <summary>Data fragments (k) and parity fragments (m); 1+0 is a plain, unprotected blob.</summary>
    public int DataFragments { get; init; } = 1;
    public int ParityFragments { get; init; }

    /// <summary>Bytes of object data per checksummed block inside a fragment file.</summary>
    public int BlockSize { get; init; }

    /// <summary>Drive id for each fragment slot, in slot order.</summary>
    public required IReadOnlyList<string> Drives { get; init; }
}
