using System.IO.Hashing;
using System.Text;

namespace Cairn.Placement;

/// <summary>
/// Weighted rendezvous (highest-random-weight) hashing over the drive map: each drive scores every
/// blob and the best scores win, so load follows weight and adding or removing a drive moves only
/// the fragments that drive wins or held. A drive is skipped when its failure domain at the
/// protection level already holds m fragments of the blob; if the map cannot place k+m fragments
/// under that rule the write is refused rather than silently weakened.
/// </summary>
public sealed class RendezvousPlacement(IReadOnlyList<DriveEntry> drives, int protectionLevel) : IPlacement
{
    /// <summary>Protection at the drive level: every drive is its own failure domain.</summary>
    public RendezvousPlacement(IReadOnlyList<DriveEntry> drives) : this(drives, int.MaxValue) { }

    private readonly Dictionary<string, string> domains = drives.ToDictionary(d => d.Id, d => d.DomainAt(protectionLevel), StringComparer.Ordinal);

    public IReadOnlyList<DriveEntry> Drives => drives;

    public IReadOnlyList<string> Place(string blobId, int dataFragments, int parityFragments, IReadOnlySet<string>? exclude = null)
    {
        var wanted = dataFragments + parityFragments;
        // With no parity every fragment is needed, so one domain may hold them all (a single drive).
        var perDomain = parityFragments == 0 ? wanted : parityFragments;
        var chosen = new List<string>(wanted);
        var load = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var drive in drives
                     .Where(d => exclude is null || !exclude.Contains(d.Id))
                     .Select(d => (Drive: d, Score: Score(blobId, d)))
                     .OrderByDescending(s => s.Score)
                     .Select(s => s.Drive))
        {
            var domain = drive.DomainAt(protectionLevel);
            if (load.GetValueOrDefault(domain) >= perDomain) continue;
            load[domain] = load.GetValueOrDefault(domain) + 1;
            chosen.Add(drive.Id);
            if (chosen.Count == wanted) return chosen;
        }
        throw new PlacementException(
            $"Cannot place {dataFragments}+{parityFragments} fragments on {drives.Count} drives with at most {perDomain} per failure domain at level {protectionLevel}.");
    }

    public string? Replacement(string blobId, IReadOnlyCollection<string> kept, int parityFragments, IReadOnlySet<string> unavailable)
    {
        var byId = drives.ToDictionary(d => d.Id);
        var load = kept.Where(byId.ContainsKey).GroupBy(id => byId[id].DomainAt(protectionLevel)).ToDictionary(g => g.Key, g => g.Count());
        var perDomain = Math.Max(1, parityFragments);
        return drives
            .Where(d => !kept.Contains(d.Id) && !unavailable.Contains(d.Id) && load.GetValueOrDefault(d.DomainAt(protectionLevel)) < perDomain)
            .OrderByDescending(d => Score(blobId, d))
            .Select(d => d.Id)
            .FirstOrDefault();
    }

    public string FailureDomain(string driveId) => domains.GetValueOrDefault(driveId) ?? driveId;

    private static double Score(string blobId, DriveEntry drive)
    {
        var hash = XxHash3.HashToUInt64(Encoding.UTF8.GetBytes(blobId + "/" + drive.Id));
        // Map to (0,1] and apply the weighted-rendezvous transform -w / ln(u).
        var u = ((hash >> 11) + 0.5) * (1.0 / (1UL << 53));
        return -drive.Weight / Math.Log(u);
    }
}
