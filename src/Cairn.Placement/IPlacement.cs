namespace Cairn.Placement;

/// <summary>The placement seam: which drives hold the fragment slots of a blob.</summary>
public interface IPlacement
{
    /// <summary>
    /// The drives for slots 0..k+m-1 of a blob, deterministic from the blob id and the map, never more
    /// than m of them in one failure domain at the protection level. Drives in <paramref name="exclude"/>
    /// are not chosen. Throws PlacementException when the map cannot satisfy that.
    /// </summary>
    IReadOnlyList<string> Place(string blobId, int dataFragments, int parityFragments, IReadOnlySet<string>? exclude = null);

    /// <summary>
    /// A drive to rebuild one lost fragment on: not one of <paramref name="kept"/> (the blob's surviving
    /// fragments' drives) nor <paramref name="unavailable"/>, and not a domain that already holds m of the
    /// blob's fragments. Null when the map has no such drive right now.
    /// </summary>
    string? Replacement(string blobId, IReadOnlyCollection<string> kept, int parityFragments, IReadOnlySet<string> unavailable);

    /// <summary>The failure domain a drive counts in at the protection level; a drive the map does not know is its own.</summary>
    string FailureDomain(string driveId);
}

/// <summary>
/// A drive in the cluster map. <paramref name="Domain"/> is its failure-domain path, outermost first
/// (e.g. "zone-a/rack-1/node-1/d3"); the last segment is the drive itself.
/// </summary>
public sealed record DriveEntry(string Id, string Domain, double Weight = 1.0)
{
    /// <summary>The domain this drive belongs to at a protection level (0 = outermost segment).</summary>
    public string DomainAt(int level)
    {
        var segments = Domain.Split('/');
        return level >= segments.Length - 1 ? Domain : string.Join('/', segments.Take(level + 1));
    }
}

public sealed class PlacementException(string message) : Exception(message);
