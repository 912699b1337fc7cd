using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cairn.Workers;

/// <summary>Runs scrub and repair by themselves every ScrubInterval (on demand through the admin API too).</summary>
public sealed partial class ScrubWorker(ScrubAndRepair scrubber, DurabilityOptions options, IWorkOwnership ownership, TimeProvider time, ILogger<ScrubWorker> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.ScrubInterval <= TimeSpan.Zero) return;
        using var timer = new PeriodicTimer(options.ScrubInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            if (!ownership.OwnsIndexWork) continue;
            try
            {
                await scrubber.ScrubAndRepairAsync(null, stoppingToken).ConfigureAwait(false);
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
