namespace Cairn.Workers;

/// <summary>
/// How the current (or last) scrub or scrub-and-repair pass goes, for `cairn admin scrub|repair` and the console: its
/// phase, the blobs and bytes verified of those counted at its start, what it found, what repair rebuilt, the rate and an
/// estimate of the time left.
/// </summary>
/// <param name="Pass">A number for each pass this process ran, so a caller can tell its own pass from the one before (0: none yet).</param>
/// <param name="Kind"><c>scrub</c> or <c>repair</c> (a scrub, then the repair of what it found).</param>
/// <param name="State"><c>idle</c>, <c>counting</c>, <c>scrubbing</c> or <c>repairing</c>.</param>
/// <param name="EtaSeconds">The time left in this phase at the rate so far; null when not known.</param>
public sealed record ScrubReport(long Pass, string Kind, string State, long BlobsTotal, long BlobsScrubbed, long BytesTotal, long BytesVerified,
    long BlobsDamaged, long FragmentsLost, long BlobsToRepair, long BlobsRepaired, long FragmentsRebuilt, double BytesPerSecond, double? EtaSeconds,
    DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt)
{
    /// <summary>A pass is under way (counting, scrubbing or repairing).</summary>
    public bool Running => State != "idle";

    /// <summary>The node that runs or ran this pass, in a cluster (null alone).</summary>
    public string? Node { get; init; }

    /// <summary>
    /// Of a cluster's nodes' passes, the one an operator watches: the latest started of those running, else the latest
    /// finished (scheduled passes run on the repair owner, a pass asked for on the node it was asked of).
    /// </summary>
    public static ScrubReport Watched(IReadOnlyCollection<ScrubReport> passes) =>
        passes.Where(p => p.Running).MaxBy(p => p.StartedAt) ?? passes.MaxBy(p => p.FinishedAt ?? p.StartedAt ?? DateTimeOffset.MinValue)!;
}

/// <summary>The running figures of scrub and repair: updated by the one pass at a time, read by the admin API at any moment.</summary>
public sealed class ScrubProgress(TimeProvider time)
{
    private readonly object gate = new();
    private ScrubReport report = new(0, "scrub", "idle", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, null, null, null);
    private long phaseStarted;

    public ScrubReport Report()
    {
        lock (gate)
        {
            if (report.State is "idle" or "counting") return report;
            var seconds = time.GetElapsedTime(phaseStarted).TotalSeconds;
            var scrubbing = report.State == "scrubbing";
            var (done, total) = scrubbing ? (report.BytesVerified, report.BytesTotal) : (report.BlobsRepaired, report.BlobsToRepair);
            double? eta = done > 0 && seconds > 0 ? Math.Max(0, total - done) * seconds / done : null;
            return report with { BytesPerSecond = scrubbing && seconds > 0 ? report.BytesVerified / seconds : report.BytesPerSecond, EtaSeconds = eta };
        }
    }

    public void Counting(string kind) =>
        Update(r => new ScrubReport(r.Pass + 1, kind, "counting", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, null, time.GetUtcNow(), null));

    public void Scrubbing(long blobs, long bytes)
    {
        lock (gate)
        {
            report = report with { State = "scrubbing", BlobsTotal = blobs, BytesTotal = bytes };
            phaseStarted = time.GetTimestamp();
        }
    }

    public void Scrubbed(long bytes, long lost) => Update(r => r with
    {
        BlobsScrubbed = r.BlobsScrubbed + 1, BytesVerified = r.BytesVerified + bytes,
        BlobsDamaged = r.BlobsDamaged + (lost > 0 ? 1 : 0), FragmentsLost = r.FragmentsLost + lost,
    });

    public void Repairing(long blobs)
    {
        lock (gate)
        {
            var seconds = time.GetElapsedTime(phaseStarted).TotalSeconds;
            report = report with { State = "repairing", BlobsToRepair = blobs, BytesPerSecond = seconds > 0 ? report.BytesVerified / seconds : 0 };
            phaseStarted = time.GetTimestamp();
        }
    }

    /// <summary>A blob rebuilt; counted only by the repair that follows a scrub (the other repairs have no totals here).</summary>
    public void Repaired(long fragments) =>
        Update(r => r.State != "repairing" ? r : r with { BlobsRepaired = r.BlobsRepaired + 1, FragmentsRebuilt = r.FragmentsRebuilt + fragments });

    /// <summary>The pass ended (or failed); its figures stay on show until the next one starts.</summary>
    public void Idle()
    {
        lock (gate)
        {
            if (report.State == "scrubbing")
            {
                var seconds = time.GetElapsedTime(phaseStarted).TotalSeconds;
                report = report with { BytesPerSecond = seconds > 0 ? report.BytesVerified / seconds : 0 };
            }
            report = report with { State = "idle", EtaSeconds = null, FinishedAt = time.GetUtcNow() };
        }
    }

    private void Update(Func<ScrubReport, ScrubReport> change)
    {
        lock (gate) report = change(report);
    }
}
