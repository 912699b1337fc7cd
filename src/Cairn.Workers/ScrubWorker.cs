using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cairn.Workers;

/// <summary>
/// Runs scrub and repair by themselves every ScrubInterval (on demand through the admin API too), then spreads
/// back any blob still crowding a failure domain (one whose return was missed, e.g. while the work changed owner).
/// </summary>
public sealed partial class ScrubWorker(ScrubAndRepair scrubber, SpreadBack spreadBack, DurabilityOptions options, IWorkOwnership ownership, TimeProvider time, ILogger<ScrubWorker> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.ScrubInterval <= TimeSpan.Zero) return;
        using var timer = new PeriodicTimer(options.ScrubInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            if (!ownership.RunsRepair) continue;
            try
            {
                await scrubber.ScrubAndRepairAsync(null, stoppingToken).ConfigureAwait(false);
                await spreadBack.RunAsync([], stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogPassFailed(e);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Scrub and repair pass failed; the next interval tries again")]
    private partial void LogPassFailed(Exception e);
}
