using Cairn.Data.Drives;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cairn.Workers;

/// <summary>
/// Watches the drives: notices one that disappears and brings one that returns (a replaced disk
/// mounted at the same path) back into use, so repair can place fragments on it again; each return is posted to
/// <see cref="DriveReturns"/> for the node that runs repair to refill it. In a cluster it watches every node's drives.
/// </summary>
public sealed partial class DriveMonitor(IReadOnlyDictionary<string, IFragmentStore> drives, DriveReturns returns, TimeProvider time, ILogger<DriveMonitor> log) : BackgroundService
{
    private readonly Dictionary<string, bool> lastSeen = [];
    private readonly Dictionary<string, DateTimeOffset?> lastSetUp = [];
    private readonly HashSet<string> seenOnline = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        do Check();
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    public void Check()
    {
        foreach (var drive in drives.Values)
        {
            var online = drive.TryInitialize();
            var setUp = online ? drive.Stats().SetUpAt : null;
            if (lastSeen.TryGetValue(drive.DriveId, out var was) && was != online)
            {
                if (online)
                {
                    LogReturned(drive.DriveId);
                    // Another node's drive is first reported offline until its owner answers: that is no return to refill.
                    if (seenOnline.Contains(drive.DriveId)) returns.Post(drive.DriveId);
                }
                else LogLost(drive.DriveId);
            }
            else if (online && was && setUp is not null && lastSetUp.TryGetValue(drive.DriveId, out var before) && setUp != before)
            {
                // Set up empty again between two looks, never seen offline (swapped within a second, or this node too busy to look).
                LogReplaced(drive.DriveId);
                returns.Post(drive.DriveId);
            }
            if (online) lastSetUp[drive.DriveId] = setUp;
            lastSeen[drive.DriveId] = online;
            if (online) seenOnline.Add(drive.DriveId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Drive {Drive} is offline")]
    private partial void LogLost(string drive);

    [LoggerMessage(Level = LogLevel.Information, Message = "Drive {Drive} is back online")]
    private partial void LogReturned(string drive);

    [LoggerMessage(Level = LogLevel.Information, Message = "Drive {Drive} was replaced by an empty disk (set up again while online)")]
    private partial void LogReplaced(string drive);
}
