using System.Globalization;
using System.Text;
using Cairn.WebConsole.Charts;
using Cairn.WebConsole.Hosting;
using Cairn.WebConsole.Navigation;
using Cairn.WebConsole.S3;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cairn.WebConsole.Pages.Operator;

/// <summary>The bill so far per bucket and storage class (byte-days, early-delete charges, incomplete uploads), as a chart, a table and a CSV.</summary>
[Navigation("Usage", "/usage", Order = 30, OperatorOnly = true)]
public sealed class UsageModel(AdminApi admin) : PageModel
{
    public BillFigures Bill { get; private set; } = null!;

    public IReadOnlyList<UsageRow> Rows { get; private set; } = [];

    public string Chart { get; private set; } = "";

    public async Task OnGetAsync()
    {
        await ReadAsync();
        Chart = BarChart.Render("Byte-days per bucket and storage class",
            $"The bill so far, at {Bill.At:yyyy-MM-dd HH:mm} UTC: {Rows.Count} bucket and class pairs, total cost {Bill.TotalCost.ToString(CultureInfo.InvariantCulture)}.",
            Rows.Select(r => new ChartBar($"{r.Bucket} · {r.StorageClass}", Total(r), UsageRows.Number(Total(r)) + " B·d")).ToArray());
    }

    /// <summary>The table as a CSV download (<c>usage.csv</c>).</summary>
    public async Task<IActionResult> OnGetCsvAsync()
    {
        await ReadAsync();
        return File(Encoding.UTF8.GetBytes(UsageRows.Csv(Rows)), "text/csv; charset=utf-8", $"usage-{Bill.At:yyyyMMdd-HHmmss}.csv");
    }

    public static double Total(UsageRow row) => row.StoredByteDays + row.NoncurrentByteDays + row.EarlyDeleteByteDays + row.IncompleteUploadByteDays;

    private async Task ReadAsync()
    {
        var (session, ct) = (HttpContext.Session(), HttpContext.RequestAborted);
        Bill = (await admin.GetAsync(session, "billing", ct)).Read<BillFigures>();
        var usage = (await admin.GetAsync(session, "usage", ct)).Read<UsageFigures>();
        Rows = UsageRows.From(Bill, usage);
    }
}
