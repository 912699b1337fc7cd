namespace Cairn.Data.Blobs;

/// <summary>
/// Where a read reports a blob it found damaged (a fragment missing, unreadable or failing its
/// checksum), so repair rebuilds it now rather than at the next full scrub. Reporting never blocks
/// or fails the read that found the damage.
/// </summary>
public interface IRepairRequests
{
    void RequestRepair(string blobId);
}
