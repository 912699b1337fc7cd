using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cairn.FrontDoor.Identity;

/// <summary>Keeps <see cref="IdentityView"/> within about a second of the index: a change made through another node takes effect here by then.</summary>
public sealed partial class IdentityRefresh(IdentityView view, TimeProvider time, ILogger<IdentityRefresh> log) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                await view.RefreshAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The index may be unavailable for a while (a cluster still electing): the last view keeps serving.
                LogRefreshFailed(e.GetType().Name, e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the identities failed ({Kind}: {Message}); the previous view stays in use.")]
    private partial void LogRefreshFailed(string kind, string message);
}
