using Microsoft.Extensions.Hosting;

namespace Cairn.Workers;

/// <summary>One point of the durability race: fragments lost and rebuilt so far (since the process started), and blobs waiting for repair.</summary>
public sealed record DurabilitySample(DateTimeOffset At, long FragmentsLost, long FragmentsRebuilt, long RepairQueue);

/// <summary>
/// The durability race over time, for the console's chart: a sample a minute of the <see cref="DurabilityLedger"/>'s totals
/// and the repair queue, the last 24 hours kept in memory (a restart starts it again, as the ledger does).
/// </summary>
public sealed class DurabilityHistory(DurabilityLedger ledger, ScrubProgress progress, TimeProvider time) : BackgroundService
{
    public const int Capacity = 24 * 60;

    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    private readonly object gate = new();
    private readonly DurabilitySample[] ring = new DurabilitySample[Capacity];
    private int next, count;

    /// <summary>The samples kept, oldest first, then one taken now (so a chart has a present even before the first minute).</summary>
    public IReadOnlyList<DurabilitySample> Samples()
    {
        var result = new List<DurabilitySample>(Capacity + 1);
        lock (gate)
            for (var i = 0; i < count; i++) result.Add(ring[(next - count + i + Capacity) % Capacity]);
        result.Add(Now());
        return result;
    }

    public void Record()
    {
        var sample = Now();
        lock (gate)
        {
            ring[next] = sample;
            next = (next + 1) % Capacity;
            count = Math.Min(count + 1, Capacity);
        }
    }

    private DurabilitySample Now()
    {
        var totals = ledger.Totals();
        var (lost, rebuilt) = (totals.FragmentsLost, totals.FragmentsRebuilt);
        var pass = progress.Report();
        // Blobs found damaged and not yet rebuilt by the pass under way (a scrub's finds wait for its repair).
        var queue = pass.State switch
        {
            "scrubbing" => pass.BlobsDamaged,
            "repairing" => Math.Max(0, pass.BlobsToRepair - pass.BlobsRepaired),
            _ => 0,
        };
        return new DurabilitySample(time.GetUtcNow(), lost, rebuilt, queue);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        do Record();
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }
}
