using System.Diagnostics;
using System.Globalization;
using System.Text;
using Cairn.Checking.History;

namespace Cairn.Checking.Shrinking;

/// <summary>Prints a witness as a table of its operations, times in seconds since <c>origin</c> (Stopwatch ticks).</summary>
public static class WitnessReport
{
    public static string Format(Witness witness, long origin)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"key {witness.Key}: no order explains {(witness.Operations.Count == 1 ? "this operation" : $"these {witness.Operations.Count} operations")}{(witness.Minimal ? "" : " (shrinking ran out of time: maybe not the smallest set)")}");
        if (witness.EarlierValues.Count > 0 || witness.OtherEarlierValues)
        {
            var earlier = witness.EarlierValues.Concat(witness.OtherEarlierValues ? ["another value written earlier"] : []);
            text.AppendLine($"  before them the key was absent or held {string.Join(" or ", earlier)}");
        }
        text.AppendLine($"  {"invoked",12}  {"returned",12}  {"client",-6}  {"operation",-44}  result");
        foreach (var (operation, resultUnused) in witness.Operations.OrderBy(w => w.Operation.Invoked).Select(w => (w.Operation, w.ResultUnused)))
        {
            var returned = operation.OutcomeUnknown ? "never" : Seconds(operation.Returned - origin);
            text.AppendLine(CultureInfo.InvariantCulture,
                $"  {Seconds(operation.Invoked - origin),12}  {returned,12}  c{operation.Client,-5}  {OperationText.Request(operation),-44}  {OperationText.Result(operation)}{(resultUnused ? " †" : "")}");
        }
        if (witness.Operations.Any(w => w.ResultUnused))
            text.AppendLine("  † result not used (it was running when the set begins or when the violation was found): it took its effect, if its condition held, or none");
        return text.ToString();
    }

    private static string Seconds(long ticks) => string.Create(CultureInfo.InvariantCulture, $"{(double)ticks / Stopwatch.Frequency:F6} s");
}
