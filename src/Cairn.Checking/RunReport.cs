using System.Globalization;
using System.Text;
using Cairn.Checking.History;
using Cairn.Checking.Search;
using Cairn.Checking.Shrinking;
using Cairn.Checking.Workload;

namespace Cairn.Checking;

/// <summary>The text a check run prints: what was recorded, per kind and outcome; what each key's check found; the witnesses.</summary>
public static class RunReport
{
    private static readonly (ResultKind Kind, string Label)[] Outcomes =
    [
        (ResultKind.Ok, "ok"), (ResultKind.Found, "found"), (ResultKind.Listed, "listed"), (ResultKind.NotFound, "404"),
        (ResultKind.PreconditionFailed, "412"), (ResultKind.Conflict, "409"), (ResultKind.Unknown, "unknown"),
    ];

    public static string Format(WorkloadRecord record, CheckResult result, TimeSpan checkTime)
    {
        var text = new StringBuilder();
        var operations = record.History.Operations;
        text.AppendLine(CultureInfo.InvariantCulture,
            $"recorded {operations.Count} calls from {operations.Select(o => o.Client).Distinct().Count()} clients on {record.History.Keys.Count} keys in {record.Elapsed.TotalSeconds:F1} s (bucket {record.Bucket})");
        foreach (var group in operations.GroupBy(o => o.Kind).OrderBy(g => g.Key))
        {
            var counts = Outcomes.Select(o => (o.Label, Count: group.Count(x => x.Result.Kind == o.Kind))).Where(c => c.Count > 0);
            text.AppendLine($"  {OperationText.KindName(group.Key),-20} {group.Count(),8}   {string.Join("  ", counts.Select(c => $"{c.Label}: {c.Count}"))}");
        }
        var unknownCauses = operations.Where(o => o.OutcomeUnknown).GroupBy(o => o.Detail ?? "unknown").Select(g => $"{g.Key}: {g.Count()}").ToList();
        if (unknownCauses.Count > 0) text.AppendLine($"  unknown outcomes: {string.Join(", ", unknownCauses)}");
        if (record.Refused > 0) text.AppendLine(CultureInfo.InvariantCulture, $"  refused before connecting (reached no server, not recorded): {record.Refused}");

        text.AppendLine(CultureInfo.InvariantCulture, $"checked {result.Keys.Count} keys in {checkTime.TotalSeconds:F2} s (each listing read as one existence read per key)");
        foreach (var key in result.Keys)
            text.AppendLine(CultureInfo.InvariantCulture, $"  {key.Key,-12} {key.Operations,8} operations   {Verdict(key.Outcome),-18} {key.Elapsed.TotalSeconds:F2} s");
        text.AppendLine($"verdict: {Verdict(result.Outcome)}");
        foreach (var witness in result.Witnesses)
        {
            text.AppendLine();
            text.Append(WitnessReport.Format(witness, record.Started));
        }
        return text.ToString();
    }

    private static string Verdict(SearchOutcome outcome) => outcome switch
    {
        SearchOutcome.Linearizable => "linearizable",
        SearchOutcome.NotLinearizable => "NOT linearizable",
        _ => "undecided (the check ran out of time)",
    };
}
