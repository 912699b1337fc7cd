using System.Text.Json;
using System.Text.RegularExpressions;

namespace Cairn.Node.Tests.Metrics;

/// <summary>docs/grafana-dashboard.json as a test reads it: the metric names its queries use.</summary>
public static partial class GrafanaDashboard
{
    /// <summary>Every <c>expr</c> field of the dashboard (its panels' PromQL).</summary>
    public static IReadOnlyList<string> Expressions()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "grafana-dashboard.json")));
        var expressions = new List<string>();
        Collect(dashboard.RootElement, expressions);
        return expressions;
    }

    /// <summary>The Cairn metric names (as sampled: a histogram's _bucket, _sum, _count) in an expression.</summary>
    public static IEnumerable<string> MetricNames(string expression) => MetricName().Matches(expression).Select(m => m.Value);

    [GeneratedRegex(@"\bcairn_[a-zA-Z0-9_]+")]
    private static partial Regex MetricName();

    private static void Collect(JsonElement element, List<string> expressions)
    {
        if (element.ValueKind == JsonValueKind.Object)
            foreach (var property in element.EnumerateObject())
                if (property.Name == "expr" && property.Value.ValueKind == JsonValueKind.String) expressions.Add(property.Value.GetString()!);
                else Collect(property.Value, expressions);
        else if (element.ValueKind == JsonValueKind.Array)
            foreach (var item in element.EnumerateArray()) Collect(item, expressions);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Cairn.sln"))) return dir.FullName;
        throw new InvalidOperationException("Cairn.sln not found above " + AppContext.BaseDirectory);
    }
}
