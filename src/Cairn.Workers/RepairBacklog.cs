using Cairn.Data.Blobs;

namespace Cairn.Workers;

/// <summary>
/// The repair queue, one figure for the metrics, the history and the console: blobs reads reported damaged that wait for
/// read repair, plus blobs the scrub or repair pass under way found damaged and has not rebuilt yet (a scrub's finds wait
/// for its repair).
/// </summary>
public sealed class RepairBacklog(RepairQueue reads, ScrubProgress progress)
{
    public long Blobs()
    {
        var pass = progress.Report();
        var found = pass.State switch
        {
            "scrubbing" => pass.BlobsDamaged,
            "repairing" => Math.Max(0, pass.BlobsToRepair - pass.BlobsRepaired),
            _ => 0,
        };
        return reads.Depth + found;
    }
}
