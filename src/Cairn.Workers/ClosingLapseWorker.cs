using Cairn.Index.Buckets;
using Microsoft.Extensions.Logging;

namespace Cairn.Workers;

/// <summary>Every few seconds, ends the closings of unfinished bucket deletes on the ranges this node leads (<see cref="StalledClosings"/>).</summary>
public sealed partial class ClosingLapseWorker(StalledClosings closings, IWorkOwnership ownership, TimeProvider time, ILogger<ClosingLapseWorker> log)
    : PeriodicWorker(time)
{
    /// <summary>How often the ranges this node leads are looked at.</summary>
    public static readonly TimeSpan Lapse = TimeSpan.FromSeconds(5);

    protected override TimeSpan Interval => Lapse;

    protected override async Task RunPassAsync(CancellationToken cancellationToken)
    {
        if (await closings.ReopenAsync(ownership.Tends, cancellationToken).ConfigureAwait(false) is > 0 and var reopened) LogReopened(reopened);
    }

    protected override void PassFailed(Exception e) => LogPassFailed(e);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reopened {Count} range(s) a bucket delete closed and did not finish within the lapse")]
    private partial void LogReopened(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Looking for lapsed bucket closings failed; the next interval tries again")]
    private partial void LogPassFailed(Exception e);
}
