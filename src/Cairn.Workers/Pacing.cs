using System.Diagnostics;

namespace Cairn.Workers;

/// <summary>Keeps a background pass at or under a byte rate, so it never takes a drive or link from clients.</summary>
public static class Pacing
{
    /// <summary>Waits until <paramref name="bytes"/> done since <paramref name="clock"/> started fit the rate; zero or less is unpaced.</summary>
    public static async Task PaceAsync(long bytes, Stopwatch clock, long bytesPerSecond, CancellationToken cancellationToken)
    {
        if (bytesPerSecond <= 0) return;
        var due = TimeSpan.FromSeconds((double)bytes / bytesPerSecond);
        if (due > clock.Elapsed) await Task.Delay(due - clock.Elapsed, cancellationToken).ConfigureAwait(false);
    }
}
