using System.IO.Hashing;
using System.Text;

namespace Cairn.Placement;

/// <summary>
/// Weighted rendezvous (highest-random-weight) hashing: each drive scores every blob, the top
/// scores win. Adding or removing a drive moves only the fragments that drive wins or held.
/// </summary>
public sealed class RendezvousPlacement(IReadOnlyList<DriveEntry> drives) : IPlacement
{
    public IReadOnlyList<string> Place(string blobId, int fragments)
    {
        if (fragments > drives.Count)
            throw new InvalidOperationException($"Placement needs {fragments} drives but the map has {drives.Count}.");
        return drives
            .Select(d => (d.Id, Score: Score(blobId, d)))
            .OrderByDescending(s => s.Score)
            .Take(fragments)
            .Select(s => s.Id)
            .ToArray();
    }

    private static double Score(string blobId, DriveEntry drive)
    {
        var hash = XxHash3.HashToUInt64(Encoding.UTF8.GetBytes(blobId + "/" + drive.Id));
        // Map to (0,1] and apply the weighted-rendezvous transform -w / ln(u).
        var u = (hash >> 11) * (1.0 / (1UL << 53)) + double.Epsilon;
        return -drive.Weight / Math.Log(u);
    }
}
