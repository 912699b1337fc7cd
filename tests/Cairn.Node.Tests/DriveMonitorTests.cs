using Cairn.Data.Drives;
using Cairn.Workers;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cairn.Node.Tests;

/// <summary>
/// The drive monitor posts a replaced disk for refill whether or not it saw it offline: a disk swapped between two looks
/// (or while the node was too busy to look) is set up empty again, and that is a return too.
/// </summary>
public sealed class DriveMonitorTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "cairn-monitor-" + Guid.NewGuid().ToString("N")[..8]);

    [Fact]
    public async Task A_disk_swapped_between_two_looks_is_posted_for_refill_and_an_untouched_one_is_not()
    {
        var path = Path.Combine(root, "d0");
        Directory.CreateDirectory(path);
        var drive = new LocalDrive("n1-d0", path);
        var returns = new DriveReturns();
        var monitor = new DriveMonitor(new Dictionary<string, IFragmentStore> { ["n1-d0"] = drive }, returns, TimeProvider.System, NullLogger<DriveMonitor>.Instance);
        monitor.Check();
        monitor.Check();
        Assert.Empty(await PostedAsync(returns));

        // The disk fails and an empty one is mounted at the same path before the monitor looks again.
        Directory.Move(path, path + "-failed");
        Directory.CreateDirectory(path);
        monitor.Check();
        Assert.Equal(["n1-d0"], await PostedAsync(returns));
        monitor.Check();
        Assert.Empty(await PostedAsync(returns));

        // Seen offline, then back: posted once, as before.
        Directory.Delete(path, recursive: true);
        monitor.Check();
        Directory.CreateDirectory(path);
        monitor.Check();
        Assert.Equal(["n1-d0"], await PostedAsync(returns));
    }

    /// <summary>What was posted so far (the channel read until it has nothing more at once).</summary>
    private static async Task<List<string>> PostedAsync(DriveReturns returns)
    {
        var posted = new List<string>();
        using var nothingMore = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        try
        {
            await foreach (var drive in returns.ReadAllAsync(nothingMore.Token)) posted.Add(drive);
        }
        catch (OperationCanceledException)
        {
        }
        return posted;
    }

    public void Dispose()
    {
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
    }
}
