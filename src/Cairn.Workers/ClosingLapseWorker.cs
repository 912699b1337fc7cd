using Cairn.Index.Buckets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cairn.Workers;

/// <summary>Every few seconds, ends the closings of unfinished bucket deletes on the ranges this node leads (<see cref="StalledClosings"/>).</summary>
public sealed partial class ClosingLapseWorker(StalledClosings closings, IWorkOwnership ownership, TimeProvider time, ILogger<ClosingLapseWorker> log)
    : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                if (await closings.ReopenAsync(ownership.Tends, stoppingToken).ConfigureAwait(false) is > 0 and var reopened) LogReopened(reopened);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogPassFailed(e);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reopened {Count} range(s) a bucket delete closed and did not finish within the lapse")]
    private partial void LogReopened(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Looking for lapsed bucket closings failed; the next interval tries again")]
    private partial void LogPassFailed(Exception e);
}
