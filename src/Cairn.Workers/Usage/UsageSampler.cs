using System.Diagnostics;
using Cairn.Index.Billing;
using Cairn.Index.Buckets;
using Cairn.Index.Objects;
using Cairn.Index.Shards;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cairn.Workers.Usage;

/// <summary>
/// The one measure of usage over time: every <see cref="UsageOptions.Interval"/> (and at start) a walk of each bucket over the
/// ranges this node leads counts objects, bytes and byte-days per bucket and storage class; the result is kept in memory as
/// <see cref="Latest"/> (what /metrics and the console's buckets page show, so neither walks the index) and appended to the
/// <see cref="UsageHistory"/>. A node alone measures everything; in a cluster the nodes' samples add up to the cluster's
/// (<see cref="UsageShares"/>).
/// </summary>
public sealed partial class UsageSampler(IndexRouter index, BucketCatalog buckets, IWorkOwnership ownership, StorageMeter meter, UsageHistory history,
    UsageOptions options, TimeProvider time, ILogger<UsageSampler> log) : BackgroundService
{
    private volatile UsageSample? latest;

    /// <summary>The last sample taken since the process started; null before the first walk finished.</summary>
    public UsageSample? Latest => latest;

    public UsageHistory History => history;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The first sample at start, so figures exist soon after; then on the interval's boundaries counted from the
        // Unix epoch, so that every node of a cluster measures its share at the same instants and the shares add up.
        DateTimeOffset? at = null;
        while (true)
        {
            try
            {
                await SampleAsync(at, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogSampleFailed(e);
            }
            var now = time.GetUtcNow();
            var next = NodeShares.NextBoundary(now, options.Interval);
            await Task.Delay(next - now, time, stoppingToken).ConfigureAwait(false);
            at = next;
        }
    }

    /// <summary>
    /// Measures now, publishes the sample as <see cref="Latest"/> and appends it to the history. The sample is stamped
    /// <paramref name="at"/> (a boundary the walk started on) when given: the byte-days accrue to the walk's own
    /// instants, a few milliseconds later, which no bill rounds to.
    /// </summary>
    public async Task<UsageSample> SampleAsync(DateTimeOffset? at, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var stamp = at ?? meter.Now;
        var tally = new UsageTally(meter);
        foreach (var bucket in await buckets.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            var uploads = new List<KeyUpload>();
            await foreach (var window in BucketVersionWalk.WindowsAsync(index, bucket.Name, ownership.Tends, cancellationToken).ConfigureAwait(false))
            {
                // A range this node leads is local: its window is the range's whole share of the bucket, read once, ledger included.
                tally.AddLedger(window.Snapshot, bucket.Name);
                foreach (var key in BucketVersionWalk.Walk(window.Snapshot, window.From, window.To, bucket.Name, uploads)) tally.AddKey(bucket.Name, key);
            }
            foreach (var upload in uploads) tally.AddUpload(bucket.Name, upload);
        }
        var sample = new UsageSample(stamp, Stopwatch.GetElapsedTime(started).TotalSeconds, tally.Classes());
        latest = sample;
        history.Append(sample);
        return sample;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Measuring usage per bucket failed; the next interval tries again")]
    private partial void LogSampleFailed(Exception e);
}
