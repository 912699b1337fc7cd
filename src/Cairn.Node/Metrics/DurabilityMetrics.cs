using Cairn.Workers;
using Prometheus;

namespace Cairn.Node.Metrics;

/// <summary>
/// The durability race as counters (fragments verified, lost, rebuilt), the repair queue, and the scrub pass's progress (done of
/// total, as <see cref="ScrubProgress"/> keeps it for the admin API and the console).
/// </summary>
public sealed class DurabilityMetrics(DurabilityLedger ledger, ScrubProgress progress, RepairBacklog backlog, IMetricFactory metrics) : IMetricsSource
{
    private readonly Counter verified = metrics.CreateCounter("cairn_fragments_verified_total", "Fragments scrub read whole and verified, since the process started.");
    private readonly Counter lost = metrics.CreateCounter("cairn_fragments_lost_total", "Fragments found missing or rotten (by scrub, reads or a drive going away), since the process started.");
    private readonly Counter rebuilt = metrics.CreateCounter("cairn_fragments_rebuilt_total", "Fragments repair rebuilt, since the process started.");
    private readonly Counter rebuiltBytes = metrics.CreateCounter("cairn_repair_rebuilt_bytes_total", "Bytes of fragments repair rebuilt, since the process started.");
    private readonly Counter unrepairable = metrics.CreateCounter("cairn_blobs_unrepairable_total", "Blobs found with fewer than k fragments left, since the process started.");
    private readonly Gauge queue = metrics.CreateGauge("cairn_repair_queue_depth", "Blobs found damaged (by reads, or by the scrub pass under way) waiting for repair.");
    private readonly Counter passes = metrics.CreateCounter("cairn_scrub_passes_total", "Scrub passes completed, since the process started.");
    private readonly Gauge running = metrics.CreateGauge("cairn_scrub_running", "1 while a scrub (or scrub and repair) pass runs on this node.");
    private readonly Gauge passBlobsTotal = metrics.CreateGauge("cairn_scrub_pass_blobs", "Blobs the running scrub pass counted at its start: what it verifies (the last pass's when none runs).");
    private readonly Gauge passBlobs = metrics.CreateGauge("cairn_scrub_pass_blobs_verified", "Blobs verified by the running scrub pass so far (the last pass's total when none runs).");
    private readonly Gauge passBytesTotal = metrics.CreateGauge("cairn_scrub_pass_bytes", "Fragment bytes the running scrub pass counted at its start (the last pass's when none runs).");
    private readonly Gauge passBytes = metrics.CreateGauge("cairn_scrub_pass_verified_bytes", "Bytes read by the running scrub pass so far (the last pass's total when none runs).");
    private readonly Gauge lastScrub = metrics.CreateGauge("cairn_scrub_last_completed_timestamp_seconds", "When the last scrub pass completed (Unix time; 0 before the first).");

    public void Sample()
    {
        var totals = ledger.Totals();
        verified.IncTo(totals.FragmentsVerified);
        lost.IncTo(totals.FragmentsLost);
        rebuilt.IncTo(totals.FragmentsRebuilt);
        rebuiltBytes.IncTo(totals.BytesRebuilt);
        unrepairable.IncTo(totals.UnrepairableBlobs);
        queue.Set(backlog.Blobs());
        passes.IncTo(totals.Scrubs);
        var pass = progress.Report();
        running.Set(pass.Running ? 1 : 0);
        passBlobsTotal.Set(pass.BlobsTotal);
        passBlobs.Set(pass.BlobsScrubbed);
        passBytesTotal.Set(pass.BytesTotal);
        passBytes.Set(pass.BytesVerified);
        lastScrub.Set(totals.LastScrub?.ToUnixTimeMilliseconds() / 1000.0 ?? 0);
    }
}
