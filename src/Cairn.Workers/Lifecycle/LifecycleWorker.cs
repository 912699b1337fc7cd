using Cairn.Core.Time;
using Microsoft.Extensions.Logging;

namespace Cairn.Workers.Lifecycle;

/// <summary>
/// Runs lifecycle passes by itself: a quarter of a (clock) day apart, at least every hour and at
/// most four times a second, so a scaled-down day still sees every rule fire in its own pass. Each pass covers the
/// keys of the ranges this node leads.
/// </summary>
public sealed partial class LifecycleWorker(LifecyclePass pass, DayClock clock, IWorkOwnership ownership, TimeProvider time, ILogger<LifecycleWorker> log) : PeriodicWorker(time)
{
    protected override TimeSpan Interval => TimeSpan.FromSeconds(Math.Clamp(clock.DaySeconds / 4, 0.25, 3600));

    protected override async Task RunPassAsync(CancellationToken cancellationToken)
    {
        var outcomes = await pass.RunAsync(null, ownership.Tends, cancellationToken).ConfigureAwait(false);
        if (outcomes.Count > 0) LogPass(outcomes.Count);
    }

    protected override void PassFailed(Exception e) => LogPassFailed(e);

    [LoggerMessage(Level = LogLevel.Information, Message = "Lifecycle pass: {Count} actions")]
    private partial void LogPass(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lifecycle pass failed; the next interval tries again")]
    private partial void LogPassFailed(Exception e);
}
