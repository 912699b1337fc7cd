using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cairn.Workers;

/// <summary>
/// One point of the durability race: fragments lost and rebuilt so far (since the history began: a restart carries the counts
/// on), and blobs waiting for repair (<see cref="RepairBacklog"/>).
/// </summary>
public sealed record DurabilitySample(DateTimeOffset At, long FragmentsLost, long FragmentsRebuilt, long RepairQueue)
{
    /// <summary>
    /// A cluster's race from its nodes' histories: each node counts what its own scrubs and repairs found and rebuilt, and
    /// its own repair queue, so the counts add up per instant (<see cref="NodeShares"/>).
    /// </summary>
    public static IReadOnlyList<DurabilitySample> Sum(IReadOnlyList<IReadOnlyList<DurabilitySample>> perNode) =>
        NodeShares.SumPerInstant(perNode, s => s.At,
            (at, shares) => new DurabilitySample(at, shares.Sum(s => s.FragmentsLost), shares.Sum(s => s.FragmentsRebuilt), shares.Sum(s => s.RepairQueue)),
            2 * DurabilityHistory.Interval);
}

/// <summary>
/// The durability race over time, for the console's chart: a sample a minute of the <see cref="DurabilityLedger"/>'s totals
/// and the repair queue, the last 24 hours kept, and saved (<see cref="DurabilityHistoryFile"/>) with each sample and at
/// stop. At start the saved samples are loaded and the counts go on from the last one, so a restart neither empties the chart
/// nor drops its lines to zero; what happened between the last save and a kill -9 (under a minute) is not in it.
/// </summary>
public sealed partial class DurabilityHistory : BackgroundService
{
    public const int Capacity = 24 * 60;

    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    private readonly DurabilityLedger ledger;
    private readonly RepairBacklog backlog;
    private readonly DurabilityHistoryFile file;
    private readonly TimeProvider time;
    private readonly ILogger<DurabilityHistory> log;
    private readonly object gate = new();
    private readonly object saving = new();
    private readonly DurabilitySample[] ring = new DurabilitySample[Capacity];
    private readonly (long Lost, long Rebuilt) carried;
    private int next, count;

    public DurabilityHistory(DurabilityLedger ledger, RepairBacklog backlog, DurabilityHistoryFile file, TimeProvider time, ILogger<DurabilityHistory> log)
    {
        (this.ledger, this.backlog, this.file, this.time, this.log) = (ledger, backlog, file, time, log);
        var since = time.GetUtcNow() - Capacity * Interval;
        var kept = file.Load().Where(s => s.At > since).TakeLast(Capacity).ToArray();
        foreach (var sample in kept) Add(sample);
        if (kept.Length > 0) carried = (kept[^1].FragmentsLost, kept[^1].FragmentsRebuilt);
    }

    /// <summary>The samples kept, oldest first, then one taken now (so a chart has a present even before the first minute).</summary>
    public IReadOnlyList<DurabilitySample> Samples()
    {
        var result = new List<DurabilitySample>(Capacity + 1);
        lock (gate) result.AddRange(Kept());
        result.Add(Now());
        return result;
    }

    /// <summary>Takes a sample, stamped <paramref name="at"/> (the boundary it was due at) or now, and saves the history.</summary>
    public void Record(DateTimeOffset? at = null)
    {
        DurabilitySample[] samples;
        lock (gate)
        {
            Add(at is { } boundary ? Now() with { At = boundary } : Now());
            samples = Kept();
        }
        lock (saving)
        {
            try
            {
                file.Save(samples);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                LogSaveFailed(e, file.Path);
            }
        }
    }

    private void Add(DurabilitySample sample)
    {
        ring[next] = sample;
        next = (next + 1) % Capacity;
        count = Math.Min(count + 1, Capacity);
    }

    private DurabilitySample[] Kept()
    {
        var kept = new DurabilitySample[count];
        for (var i = 0; i < count; i++) kept[i] = ring[(next - count + i + Capacity) % Capacity];
        return kept;
    }

    private DurabilitySample Now()
    {
        var totals = ledger.Totals();
        return new DurabilitySample(time.GetUtcNow(), carried.Lost + totals.FragmentsLost, carried.Rebuilt + totals.FragmentsRebuilt, backlog.Blobs());
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // At start, then on the minute's boundaries: a cluster's nodes sample at the same instants, and their counts add up.
        Record();
        while (true)
        {
            var now = time.GetUtcNow();
            var next = NodeShares.NextBoundary(now, Interval);
            await Task.Delay(next - now, time, stoppingToken).ConfigureAwait(false);
            Record(next);
        }
    }

    /// <summary>A last sample at stop, so a restart's chart goes on from the figures the node stopped with.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        Record();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not save the durability history to {Path}; the chart keeps it in memory")]
    private partial void LogSaveFailed(Exception e, string path);
}
