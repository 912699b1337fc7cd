namespace Cairn.Testing;

/// <summary>
/// One server with six drives coded 4+2 and no scheduled scrub, for tests that damage fragment files
/// on disk and watch what the server does about it by itself.
/// </summary>
public sealed class ErasureCodedServerFixture : ServerFixture
{
    public string DrivesRoot { get; } = Path.Combine(Path.GetTempPath(), "cairn-ec-" + Guid.NewGuid().ToString("N")[..8]);

    public IReadOnlyList<string> Drives => [.. Enumerable.Range(0, 6).Select(i => Path.Combine(DrivesRoot, $"drive{i}"))];

    protected override string[] ServerArguments => ["--drives", string.Join(',', Drives), "--ec", "4+2", "--scrub-interval", "0"];

    /// <summary>Every fragment file on every drive.</summary>
    public IReadOnlySet<string> FragmentFiles() =>
        Drives.Select(d => Path.Combine(d, "fragments")).Where(Directory.Exists)
            .SelectMany(f => Directory.EnumerateFiles(f, "*", SearchOption.AllDirectories))
            .ToHashSet(StringComparer.Ordinal);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (Directory.Exists(DrivesRoot)) Directory.Delete(DrivesRoot, recursive: true);
    }
}
