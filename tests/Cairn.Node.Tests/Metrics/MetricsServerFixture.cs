using Cairn.Testing;

namespace Cairn.Node.Tests.Metrics;

/// <summary>
/// A server with three drives coded 2+1, scrub on demand only, per-bucket figures counted every second, and the drives swept
/// (so counted) every second.
/// </summary>
public sealed class MetricsServerFixture : ServerFixture
{
    public string DrivesRoot { get; } = Path.Combine(Path.GetTempPath(), "cairn-metrics-" + Guid.NewGuid().ToString("N")[..8]);

    public IReadOnlyList<string> DriveIds => ["d0", "d1", "d2"];

    protected override string[] ServerArguments =>
    [
        "--drives", string.Join(',', DriveIds.Select(d => Path.Combine(DrivesRoot, d))), "--ec", "2+1", "--scrub-interval", "0",
        "--metrics-usage-interval", "1s", "--gc-interval", "00:00:01",
    ];

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (Directory.Exists(DrivesRoot)) Directory.Delete(DrivesRoot, recursive: true);
    }
}
