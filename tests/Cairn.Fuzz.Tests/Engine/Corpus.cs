namespace Cairn.Fuzz.Tests.Engine;

/// <summary>
/// The committed seeds of a target: tests/fuzz/corpora/{target}/*, read from the source tree (found by walking up
/// to Cairn.sln) so a new seed or regression case needs no build step. Files named regress-* are inputs that once
/// broke a parser; they are replayed unmutated like every other seed.
/// </summary>
public static class Corpus
{
    public static string Root => Path.Combine(RepositoryRoot(), "tests", "fuzz", "corpora");

    public static IReadOnlyList<(string Name, byte[] Data)> Load(string target)
    {
        var directory = Path.Combine(Root, target);
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"No corpus for fuzz target {target}: {directory}");
        return [.. Directory.GetFiles(directory).Order(StringComparer.Ordinal).Select(f => (Path.GetFileName(f), File.ReadAllBytes(f)))];
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Cairn.sln"))) return dir.FullName;
        throw new InvalidOperationException("Cairn.sln not found above " + AppContext.BaseDirectory);
    }
}
