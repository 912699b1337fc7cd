using System.Globalization;
using System.Text.RegularExpressions;

namespace Cairn.Node.Audit;

/// <summary>
/// The audit log's files in their folder: <c>audit-YYYYMMDD-HHMMSS.jsonl</c>, named by when each was started (UTC), with
/// <c>-N</c> added when several start in the same second. Ordered oldest first by that name's time, then N; a new file
/// always sorts after every file there (a clock that stepped back reuses the newest file's time with the next N).
/// </summary>
public static partial class AuditFiles
{
    public static string NewName(DateTimeOffset at, string folder)
    {
        var stamp = at.UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        if (Sorted(folder).LastOrDefault() is { } newest && string.CompareOrdinal(newest.Stamp, stamp) >= 0)
            return $"audit-{newest.Stamp}-{newest.N + 1}.jsonl";
        return $"audit-{stamp}.jsonl";
    }

    /// <summary>The folder's audit files, oldest first (files of other names are left alone).</summary>
    public static IReadOnlyList<string> OldestFirst(string folder) => Sorted(folder).Select(f => f.Path).ToList();

    private static IEnumerable<(string Path, string Stamp, int N)> Sorted(string folder) =>
        !Directory.Exists(folder) ? [] : Directory.EnumerateFiles(folder, "audit-*.jsonl")
            .Select(path => (path, match: Name().Match(Path.GetFileName(path))))
            .Where(f => f.match.Success)
            .Select(f => (f.path, f.match.Groups["stamp"].Value, f.match.Groups["n"].Success ? int.Parse(f.match.Groups["n"].Value, CultureInfo.InvariantCulture) : 0))
            .OrderBy(f => f.Item2, StringComparer.Ordinal)
            .ThenBy(f => f.Item3);

    [GeneratedRegex(@"^audit-(?<stamp>\d{8}-\d{6})(-(?<n>\d+))?\.jsonl$")]
    private static partial Regex Name();
}
