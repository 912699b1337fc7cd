using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cairn.Workers;

/// <summary>
/// One point of the durability race: fragments lost and rebuilt so far (since the history began: a restart carries the counts
/// on), and blobs waiting for repair (<see cref="RepairBacklog"/>).
/// </summary>
public sealed record DurabilitySample(DateTimeOffset At, long FragmentsLost, long FragmentsRebuilt, long RepairQueue);

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

    /// <summary>Takes a sample and saves the history.</summary>
    public void Record()
    {
        DurabilitySample[] samples;
        lock (gate)
        {
            Add(Now());
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
        using var timer = new PeriodicTimer(Interval, time);
        do Record();
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
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
