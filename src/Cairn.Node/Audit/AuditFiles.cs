using System.Globalization;
using System.Text.RegularExpressions;

namespace Cairn.Node.Audit;

/// <summary>
/// The audit log's files in their folder: <c>audit-YYYYMMDD-HHMMSS.jsonl</c>, named by when each was started (UTC), with
/// <c>-N</c> added when several start in the same second. Ordered oldest first by that name's time, then N.
/// </summary>
public static partial class AuditFiles
{
    public static string NewName(DateTimeOffset at, string folder)
    {
        var stamp = at.UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        for (var n = 0; ; n++)
        {
            var name = n == 0 ? $"audit-{stamp}.jsonl" : $"audit-{stamp}-{n}.jsonl";
            if (!File.Exists(Path.Combine(folder, name))) return name;
        }
    }

    /// <summary>The folder's audit files, oldest first (files of other names are left alone).</summary>
    public static IReadOnlyList<string> OldestFirst(string folder) =>
        !Directory.Exists(folder) ? [] : Directory.EnumerateFiles(folder, "audit-*.jsonl")
            .Select(path => (path, match: Name().Match(Path.GetFileName(path))))
            .Where(f => f.match.Success)
            .OrderBy(f => f.match.Groups["stamp"].Value, StringComparer.Ordinal)
            .ThenBy(f => f.match.Groups["n"].Success ? int.Parse(f.match.Groups["n"].Value, CultureInfo.InvariantCulture) : 0)
            .Select(f => f.path)
            .ToList();

    [GeneratedRegex(@"^audit-(?<stamp>\d{8}-\d{6})(-(?<n>\d+))?\.jsonl$")]
    private static partial Regex Name();
}
