using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Cairn.Node.Tests.Metrics;

/// <summary>One metric family as declared by its <c># HELP</c> and <c># TYPE</c> lines.</summary>
public sealed record MetricFamily(string Name, string Type, string Help);

/// <summary>One sample line: the sample's name (a histogram's carries _bucket, _sum or _count), its labels and value.</summary>
public sealed record MetricSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

/// <summary>
/// A strict reader of Prometheus's text exposition format (0.0.4): every family declared once with HELP and TYPE
/// before its samples, every sample belonging to the family declared last, names and label names well formed, label
/// values correctly escaped, no series twice, histograms' buckets cumulative and ending in +Inf equal to _count.
/// Anything else throws <see cref="FormatException"/> naming the line.
/// </summary>
public sealed partial class PrometheusText
{
    private readonly List<MetricSample> samples = [];
    private readonly Dictionary<string, MetricFamily> families = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, MetricFamily> Families => families;
    public IReadOnlyList<MetricSample> Samples => samples;

    [GeneratedRegex("^[a-zA-Z_:][a-zA-Z0-9_:]*$")]
    private static partial Regex MetricName();

    [GeneratedRegex("^[a-zA-Z_][a-zA-Z0-9_]*$")]
    private static partial Regex LabelName();

    public static PrometheusText Parse(string text)
    {
        var result = new PrometheusText();
        var help = new Dictionary<string, string>(StringComparer.Ordinal);
        var series = new HashSet<string>(StringComparer.Ordinal);
        string? current = null;
        var lines = text.Split('\n');
        if (lines[^1].Length != 0) throw new FormatException("The exposition does not end with a line feed.");
        for (var n = 0; n < lines.Length - 1; n++)
        {
            var line = lines[n];
            string At() => $"line {n + 1}: '{line}'";
            if (line.Length == 0) continue;
            if (line.StartsWith("# HELP ", StringComparison.Ordinal))
            {
                var (name, rest) = SplitName(line[7..], At);
                if (!help.TryAdd(name, rest)) throw new FormatException($"HELP twice for {name}, {At()}");
                continue;
            }
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var (name, type) = SplitName(line[7..], At);
                if (type is not ("counter" or "gauge" or "histogram" or "summary" or "untyped")) throw new FormatException($"Unknown type, {At()}");
                if (result.families.ContainsKey(name)) throw new FormatException($"TYPE twice for {name}, {At()}");
                if (result.samples.Any(s => FamilyOf(s.Name, type) == name)) throw new FormatException($"TYPE after samples of {name}, {At()}");
                result.families[name] = new MetricFamily(name, type, help.GetValueOrDefault(name) ?? throw new FormatException($"No HELP before TYPE, {At()}"));
                current = name;
                continue;
            }
            if (line.StartsWith('#')) continue;
            var sample = ParseSample(line, At);
            if (current is null || FamilyOf(sample.Name, result.families[current].Type) != current)
                throw new FormatException($"Sample outside its family's block (family {current}), {At()}");
            if (!series.Add(sample.Name + "{" + LabelKey(sample.Labels) + "}"))
                throw new FormatException($"Series twice, {At()}");
            result.samples.Add(sample);
        }
        result.CheckHistograms();
        return result;
    }

    /// <summary>The value of the series with exactly these labels; 0 when it is not exported (a counter not yet touched).</summary>
    public double Value(string name, params (string Name, string Value)[] labels) =>
        samples.SingleOrDefault(s => s.Name == name && s.Labels.Count == labels.Length && labels.All(l => s.Labels.GetValueOrDefault(l.Name) == l.Value))?.Value ?? 0;

    /// <summary>Whether a series with exactly these labels is exported.</summary>
    public bool Has(string name, params (string Name, string Value)[] labels) =>
        samples.Any(s => s.Name == name && s.Labels.Count == labels.Length && labels.All(l => s.Labels.GetValueOrDefault(l.Name) == l.Value));

    /// <summary>Every series of a sample name whose labels include <paramref name="labels"/>.</summary>
    public IEnumerable<MetricSample> Series(string name, params (string Name, string Value)[] labels) =>
        samples.Where(s => s.Name == name && labels.All(l => s.Labels.GetValueOrDefault(l.Name) == l.Value));

    private static string FamilyOf(string sampleName, string type) => type switch
    {
        "histogram" => Strip(sampleName, "_bucket", "_sum", "_count"),
        "summary" => Strip(sampleName, "_sum", "_count"),
        _ => sampleName,
    };

    private static string Strip(string name, params string[] suffixes) =>
        suffixes.FirstOrDefault(s => name.EndsWith(s, StringComparison.Ordinal)) is { } suffix ? name[..^suffix.Length] : name;

    private static (string Name, string Text) SplitName(string text, Func<string> where)
    {
        var space = text.IndexOf(' ');
        if (space <= 0) throw new FormatException($"No text after the name, {where()}");
        var name = text[..space];
        if (!MetricName().IsMatch(name)) throw new FormatException($"Bad metric name, {where()}");
        return (name, text[(space + 1)..]);
    }

    private static MetricSample ParseSample(string line, Func<string> where)
    {
        var i = 0;
        while (i < line.Length && line[i] is not ('{' or ' ')) i++;
        var name = line[..i];
        if (!MetricName().IsMatch(name)) throw new FormatException($"Bad metric name, {where()}");
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (i < line.Length && line[i] == '{')
        {
            i++;
            while (line[i] != '}')
            {
                var eq = line.IndexOf('=', i);
                if (eq < 0) throw new FormatException($"Label without '=', {where()}");
                var labelName = line[i..eq];
                if (!LabelName().IsMatch(labelName)) throw new FormatException($"Bad label name, {where()}");
                if (line[eq + 1] != '"') throw new FormatException($"Label value not quoted, {where()}");
                var value = new StringBuilder();
                i = eq + 2;
                for (; line[i] != '"'; i++)
                {
                    if (line[i] != '\\') { value.Append(line[i]); continue; }
                    i++;
                    value.Append(line[i] switch
                    {
                        '\\' => '\\',
                        '"' => '"',
                        'n' => '\n',
                        _ => throw new FormatException($"Bad escape in a label value, {where()}"),
                    });
                }
                if (!labels.TryAdd(labelName, value.ToString())) throw new FormatException($"Label twice, {where()}");
                i++;
                if (line[i] == ',') i++;
                else if (line[i] != '}') throw new FormatException($"Expected ',' or '}}' after a label, {where()}");
            }
            i++;
        }
        if (i >= line.Length || line[i] != ' ') throw new FormatException($"No value, {where()}");
        var parts = line[(i + 1)..].Split(' ');
        if (parts.Length is < 1 or > 2 || parts.Length == 2 && !long.TryParse(parts[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
            throw new FormatException($"Expected a value and an optional timestamp, {where()}");
        return new MetricSample(name, labels, ParseValue(parts[0], where));
    }

    private static double ParseValue(string text, Func<string> where) => text switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : throw new FormatException($"Bad value, {where()}"),
    };

    private void CheckHistograms()
    {
        foreach (var family in families.Values.Where(f => f.Type == "histogram"))
            foreach (var group in samples.Where(s => s.Name == family.Name + "_bucket")
                         .GroupBy(s => LabelKey(s.Labels.Where(l => l.Key != "le"))))
            {
                var buckets = group.Select(s => (Le: ParseValue(s.Labels.GetValueOrDefault("le") ?? throw new FormatException($"{family.Name} bucket without le"), () => s.Name), s.Value)).ToList();
                for (var k = 1; k < buckets.Count; k++)
                    if (buckets[k].Le <= buckets[k - 1].Le || buckets[k].Value < buckets[k - 1].Value)
                        throw new FormatException($"{family.Name}{{{group.Key}}}: buckets not in order or not cumulative");
                if (buckets.Count == 0 || !double.IsPositiveInfinity(buckets[^1].Le)) throw new FormatException($"{family.Name}{{{group.Key}}}: no +Inf bucket");
                var count = samples.SingleOrDefault(s => s.Name == family.Name + "_count" && LabelKey(s.Labels) == group.Key)
                    ?? throw new FormatException($"{family.Name}{{{group.Key}}}: no _count");
                if (count.Value != buckets[^1].Value) throw new FormatException($"{family.Name}{{{group.Key}}}: +Inf bucket {buckets[^1].Value} but _count {count.Value}");
                if (!samples.Any(s => s.Name == family.Name + "_sum" && LabelKey(s.Labels) == group.Key)) throw new FormatException($"{family.Name}{{{group.Key}}}: no _sum");
            }
    }

    private static string LabelKey(IEnumerable<KeyValuePair<string, string>> labels) =>
        string.Join(",", labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}"));
}
