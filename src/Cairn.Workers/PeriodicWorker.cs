using Microsoft.Extensions.Hosting;

namespace Cairn.Workers;

/// <summary>
/// A background pass run every <see cref="Interval"/> of elapsed time (a <see cref="PeriodicTimer"/> on the given
/// <see cref="TimeProvider"/>, so tests can drive it): a pass that fails is reported to <see cref="PassFailed"/> and the
/// next interval tries again; only the host's stopping ends the loop.
/// </summary>
public abstract class PeriodicWorker(TimeProvider time) : BackgroundService
{
    protected abstract TimeSpan Interval { get; }

    protected abstract Task RunPassAsync(CancellationToken cancellationToken);

    protected abstract void PassFailed(Exception e);

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await RunPassAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                PassFailed(e);
            }
        }
    }
}
