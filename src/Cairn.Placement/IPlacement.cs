namespace Cairn.Placement;

/// <summary>The placement seam: which drives hold the fragment slots of a blob.</summary>
public interface IPlacement
{
    /// <summary>Deterministic from the blob id and the map: the same blob always maps to the same drives.</summary>
    IReadOnlyList<string> Place(string blobId, int fragments);
}

public sealed record DriveEntry(string Id, double Weight = 1.0);
