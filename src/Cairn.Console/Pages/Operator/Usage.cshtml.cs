using System.Globalization;
using System.Text;
using Cairn.WebConsole.Charts;
using Cairn.WebConsole.Hosting;
using Cairn.WebConsole.Navigation;
using Cairn.WebConsole.S3;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cairn.WebConsole.Pages.Operator;

/// <summary>
/// Usage over time from the node's usage sampler (bytes per storage class, byte-days per day), and the bill so far per bucket
/// and storage class (byte-days, early-delete charges, incomplete uploads) as a table; both as CSV.
/// </summary>
[Navigation("Usage", "/usage", Order = 30, OperatorOnly = true)]
public sealed class UsageModel(AdminApi admin) : PageModel
{
    /// <summary>How far back the charts reach (the history keeps a sample a day beyond its detailed days).</summary>
    public static readonly TimeSpan Charted = TimeSpan.FromDays(30);

    private static readonly string[] SeriesColours = ["s0", "s1", "s2", "s3", "s4", "s5"];

    public BillFigures Bill { get; private set; } = null!;

    public IReadOnlyList<UsageRow> Rows { get; private set; } = [];

    /// <summary>The sampler's latest sample (null before its first).</summary>
    public UsageSampleFigures? Latest { get; private set; }

    /// <summary>Why the figures may fall short: the nodes of the cluster whose usage shares did not come (null: none).</summary>
    public string? Missing { get; private set; }

    public string BytesChart { get; private set; } = "";

    public string ByteDaysChart { get; private set; } = "";

    public int Samples { get; private set; }

    public async Task OnGetAsync()
    {
        await ReadBillAsync();
        var (session, ct) = (HttpContext.Session(), HttpContext.RequestAborted);
        var from = (DateTimeOffset.UtcNow - Charted).UtcDateTime.ToString("o", CultureInfo.InvariantCulture);
        var history = (await admin.GetAsync(session, $"usage/history?group=class&from={Uri.EscapeDataString(from)}", ct)).Read<UsageHistoryFigures>().Samples;
        Samples = history.Length;
        var perClass = UsageHistoryRows.BytesPerClass(history);
        BytesChart = LineChart.Render("Bytes per storage class over time",
            $"{history.Length} samples of the last {Charted.TotalDays} days: bytes stored (current, noncurrent and incomplete uploads) in each storage class, every bucket together.",
            perClass.Select((c, i) => new ChartSeries(c.StorageClass, SeriesColours[i % SeriesColours.Length], c.Points)).ToArray(), v => Sizes.Text((long)v));
        var perDay = UsageHistoryRows.ByteDaysPerDay(history);
        ByteDaysChart = BarChart.Render("Byte-days per day",
            $"Byte-days billed each UTC day of the last {Charted.TotalDays} days (stored, noncurrent, early-delete and incomplete-upload together), {perDay.Count} days.",
            perDay.Select(d => new ChartBar(d.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), d.ByteDays, UsageRows.Number(d.ByteDays) + " B·d")).ToArray());
    }

    /// <summary>The table as a CSV download (<c>usage-TIME.csv</c>).</summary>
    public async Task<IActionResult> OnGetCsvAsync()
    {
        await ReadBillAsync();
        return File(Encoding.UTF8.GetBytes(UsageRows.Csv(Rows)), "text/csv; charset=utf-8", $"usage-{Bill.At:yyyyMMdd-HHmmss}.csv");
    }

    /// <summary>The whole history, per bucket and class, as a CSV download (<c>usage-history-TIME.csv</c>).</summary>
    public async Task<IActionResult> OnGetHistoryCsvAsync()
    {
        var (session, ct) = (HttpContext.Session(), HttpContext.RequestAborted);
        var history = (await admin.GetAsync(session, "usage/history", ct)).Read<UsageHistoryFigures>().Samples;
        return File(Encoding.UTF8.GetBytes(UsageHistoryRows.Csv(history)), "text/csv; charset=utf-8", $"usage-history-{DateTimeOffset.UtcNow:yyyyMMdd-HHmmss}.csv");
    }

    /// <summary>The bill as of the usage sampler's latest sample, and that sample: a page load never walks the index.</summary>
    private async Task ReadBillAsync()
    {
        var (session, ct) = (HttpContext.Session(), HttpContext.RequestAborted);
        var latest = (await admin.GetAsync(session, "usage/latest", ct)).Read<UsageHistoryFigures>();
        (Latest, Missing) = (latest.Samples.SingleOrDefault(), UnreachableFigures.Notice(latest.Unreachable));
        Bill = (await admin.GetAsync(session, "billing?sample=latest", ct)).Read<BillFigures>();
        Rows = UsageRows.From(Bill, Latest);
    }
}
