using System.Diagnostics;
using Cairn.Checking;
using Cairn.Checking.Search;
using Cairn.Checking.Workload;

namespace Cairn.Cli.Check;

/// <summary>Records a history, checks it, prints the report, and turns the verdict into the exit code.</summary>
public static class CheckRun
{
    public const int Linearizable = 0;
    public const int NotLinearizable = 1;
    public const int CouldNotDecide = 3;

    public static async Task<int> RunAsync(WorkloadSettings settings, CheckerOptions checker, TextWriter output, TextWriter progress,
        CancellationToken cancellationToken)
    {
        await progress.WriteLineAsync(
            $"recording: {settings.Clients} clients, {settings.Keys} keys, {settings.Duration.TotalSeconds:0.#} s against {string.Join(", ", settings.Endpoints)}").ConfigureAwait(false);
        WorkloadRecord record;
        try
        {
            record = await WorkloadRun.RecordAsync(settings, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WorkloadFailed or HttpRequestException)
        {
            await progress.WriteLineAsync($"cairn check: {e.Message}").ConfigureAwait(false);
            return CouldNotDecide;
        }

        await progress.WriteLineAsync($"checking {record.History.Operations.Count} calls…").ConfigureAwait(false);
        var started = Stopwatch.GetTimestamp();
        var result = new LinearizabilityChecker(checker).Check(record.History);
        await output.WriteAsync(RunReport.Format(record, result, Stopwatch.GetElapsedTime(started))).ConfigureAwait(false);
        return result.Outcome switch
        {
            SearchOutcome.Linearizable => Linearizable,
            SearchOutcome.NotLinearizable => NotLinearizable,
            _ => CouldNotDecide,
        };
    }
}
