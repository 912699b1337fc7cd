using Cairn.Placement;

namespace Cairn.Data.Blobs;

/// <summary>Where and how a blob is written: the drives placement may pick from and the code.</summary>
public sealed record BlobMedium(string Name, ErasureSettings Code, IPlacement Placement);

/// <summary>
/// The medium of every storage class (hot drives and the default code for STANDARD, cold drives and
/// the widest code for DEEP_ARCHIVE, …); a class with no medium of its own uses the default.
/// </summary>
public sealed class StorageMedia(BlobMedium defaultMedium, IReadOnlyDictionary<string, BlobMedium> byStorageClass)
{
    public BlobMedium Default => defaultMedium;

    public BlobMedium For(string storageClass) => byStorageClass.TryGetValue(storageClass, out var medium) ? medium : defaultMedium;

    public IReadOnlyDictionary<string, BlobMedium> ByStorageClass => byStorageClass;
}
