using System.Globalization;
using System.Text;
using System.Text.Json;
using Spectre.Console;

namespace Cairn.Cli.Bench;

/// <summary>Prints a <see cref="BenchResult"/> as a table (terminal), aligned text (pipes, files) or JSON.</summary>
public static class BenchReport
{
    public static void Write(BenchResult result, bool json, bool terminal)
    {
        if (json) Console.WriteLine(Json(result));
        else if (terminal) WriteTable(result);
        else Console.Write(Plain(result));
    }

    public static string Json(BenchResult r) => JsonSerializer.Serialize(new
    {
        endpoint = r.Settings.Endpoint.ToString(),
        bucket = r.Bucket,
        objectSize = r.Settings.Size,
        concurrency = r.Settings.Concurrency,
        durationSeconds = r.Settings.Duration.TotalSeconds,
        client = r.Settings.Client,
        checksum = r.Settings.Checksum,
        workingSet = new { objects = r.Settings.WorkingSetObjects, bytes = r.Settings.WorkingSetBytes },
        phases = r.Phases.Select(p => new
        {
            name = p.Name,
            ops = p.Ops,
            bytes = p.Bytes,
            errors = p.Errors,
            seconds = Round(p.Elapsed.TotalSeconds),
            opsPerSecond = Round(p.OpsPerSecond),
            mibPerSecond = Round(p.MiBPerSecond),
            latencyMs = new { p50 = Round(p.Latency.P50), p99 = Round(p.Latency.P99), max = Round(p.Latency.Max) },
            firstError = p.FirstError,
            maxServerRssBytes = p.MaxServerRssBytes,
            distinctKeysRead = p.DistinctKeysRead,
        }),
        memoryProbe = r.Memory is { } m ? new { pid = m.Pid, samples = m.Samples, maxRssBytes = m.MaxRssBytes, maxRssMiB = Round(m.MaxRssBytes / 1048576.0), peakRssBytes = m.PeakRssBytes } : null,
    }, new JsonSerializerOptions { WriteIndented = true });

    public static string Plain(BenchResult r)
    {
        var s = new StringBuilder();
        s.AppendLine(CultureInfo.InvariantCulture, $"cairn bench: {r.Settings.Endpoint} bucket {r.Bucket}, {Summary(r.Settings)}");
        s.AppendLine(CultureInfo.InvariantCulture, $"{"phase",-7}{"ops",10}{"ops/s",12}{"MiB/s",10}{"p50 ms",10}{"p99 ms",10}{"max ms",10}{"errors",8}{(r.Memory is null ? "" : "  server RSS max")}");
        foreach (var p in r.Phases)
            s.AppendLine(CultureInfo.InvariantCulture, $"{p.Name,-7}{p.Ops,10}{p.OpsPerSecond,12:0.0}{p.MiBPerSecond,10:0.0}{p.Latency.P50,10:0.00}{p.Latency.P99,10:0.00}{p.Latency.Max,10:0.00}{p.Errors,8}{(p.MaxServerRssBytes is { } rss ? "  " + ByteSize.Format(rss) : "")}");
        foreach (var p in r.Phases.Where(p => p.FirstError is not null))
            s.AppendLine(CultureInfo.InvariantCulture, $"{p.Name} first error: {p.FirstError}");
        if (r.Memory is { } m)
            s.AppendLine(CultureInfo.InvariantCulture, $"server pid {m.Pid}: max RSS {ByteSize.Format(m.MaxRssBytes)} over {m.Samples} samples (kernel lifetime peak VmHWM {(m.PeakRssBytes is { } h ? ByteSize.Format(h) : "n/a")})");
        return s.ToString();
    }

    private static void WriteTable(BenchResult r)
    {
        AnsiConsole.MarkupLine(Markup.Escape($"{r.Settings.Endpoint} bucket {r.Bucket}: {Summary(r.Settings)}"));
        var table = new Table().AddColumns("Phase", "Ops", "Ops/s", "MiB/s", "p50 ms", "p99 ms", "max ms", "Errors");
        if (r.Memory is not null) table.AddColumn("Server RSS max");
        foreach (var column in table.Columns.Skip(1)) column.RightAligned();
        foreach (var p in r.Phases)
        {
            var cells = new List<string>
            {
                p.Name, p.Ops.ToString(CultureInfo.InvariantCulture), F(p.OpsPerSecond, "0.0"), F(p.MiBPerSecond, "0.0"),
                F(p.Latency.P50, "0.00"), F(p.Latency.P99, "0.00"), F(p.Latency.Max, "0.00"),
                p.Errors > 0 ? $"[red]{p.Errors}[/]" : "0",
            };
            if (r.Memory is not null) cells.Add(p.MaxServerRssBytes is { } rss ? ByteSize.Format(rss) : "");
            table.AddRow(cells.ToArray());
        }
        AnsiConsole.Write(table);
        foreach (var p in r.Phases.Where(p => p.FirstError is not null))
            AnsiConsole.MarkupLine($"[red]{p.Name} first error:[/] {Markup.Escape(p.FirstError!)}");
        if (r.Memory is { } m)
            AnsiConsole.MarkupLine(Markup.Escape($"Server pid {m.Pid}: max RSS {ByteSize.Format(m.MaxRssBytes)} over {m.Samples} samples (kernel lifetime peak VmHWM {(m.PeakRssBytes is { } h ? ByteSize.Format(h) : "n/a")})"));
    }

    private static double Round(double v) => Math.Round(v, 3);
    private static string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);

    private static string Summary(BenchSettings s) => string.Create(CultureInfo.InvariantCulture,
        $"{ByteSize.Format(s.Size)} objects, GET working set {s.WorkingSetObjects} objects ({ByteSize.Format(s.WorkingSetBytes)}), concurrency {s.Concurrency}, {s.Duration.TotalSeconds:0.###}s per phase, {ClientText(s)}");

    private static string ClientText(BenchSettings s) => s.Client == BenchSettings.SdkClient ? $"client sdk, checksum {s.Checksum}" : "client http";
}
