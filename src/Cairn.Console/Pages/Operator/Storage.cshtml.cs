using System.Globalization;
using Cairn.WebConsole.Charts;
using Cairn.WebConsole.Hosting;
using Cairn.WebConsole.Navigation;
using Cairn.WebConsole.S3;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cairn.WebConsole.Pages.Operator;

/// <summary>Drives (and nodes), the durability race over time, the estimated nines, and scrub and repair with a button each.</summary>
[Navigation("Storage", "/storage", Order = 20, OperatorOnly = true)]
public sealed partial class StorageModel(AdminApi admin, IHostApplicationLifetime lifetime, TimeProvider time, ILogger<StorageModel> log) : PageModel
{
    /// <summary>Every drive with its node, as each node reports its own (no drive is walked for this page).</summary>
    public IReadOnlyList<(string Node, ClusterDriveFigures Drive)> Drives { get; private set; } = [];

    /// <summary>The nodes of the cluster; empty for a store alone.</summary>
    public IReadOnlyList<NodeFigures> Nodes { get; private set; } = [];

    public DurabilityFigures Durability { get; private set; } = null!;

    public IReadOnlyList<DurabilitySampleFigures> History { get; private set; } = [];

    public ScrubFigures Scrub { get; private set; } = null!;

    /// <summary>The nodes of the cluster whose scrub and repair counts did not come, said in words (null: none).</summary>
    public string? Missing { get; private set; }

    public string Chart { get; private set; } = "";

    public async Task OnGetAsync()
    {
        var (session, ct) = (HttpContext.Session(), HttpContext.RequestAborted);
        var cluster = (await admin.GetAsync(session, "cluster", ct)).Read<ClusterFigures>();
        Nodes = cluster.Node == "local" ? [] : cluster.Nodes;
        Drives = cluster.Nodes.SelectMany(n => n.Drives.Select(d => (n.Id, d))).ToArray();
        Durability = (await admin.GetAsync(session, "durability", ct)).Read<DurabilityFigures>();
        Missing = UnreachableFigures.Notice(Durability.Unreachable);
        History = (await admin.GetAsync(session, "durability/history", ct)).Read<DurabilitySampleFigures[]>();
        Scrub = (await admin.GetAsync(session, "scrub/progress", ct)).Read<ScrubFigures>();
        Chart = LineChart.Render("Fragments lost and rebuilt over time",
            $"{History[^1].FragmentsLost} fragments lost and {History[^1].FragmentsRebuilt} rebuilt since the history began ({Durability.FragmentsLost} and "
            + $"{Durability.FragmentsRebuilt} since the nodes started); {History[^1].RepairQueue} blobs waiting for repair.",
            [
                new("Fragments lost", "lost", History.Select(s => (s.At, (double)s.FragmentsLost)).ToArray()),
                new("Fragments rebuilt", "rebuilt", History.Select(s => (s.At, (double)s.FragmentsRebuilt)).ToArray()),
                new("Repair queue (blobs)", "queue", History.Select(s => (s.At, (double)s.RepairQueue)).ToArray()),
            ]);
    }

    /// <summary>The scrub and repair section alone, as the page shows it: what operator.js swaps in while a pass runs.</summary>
    public async Task<IActionResult> OnGetProgressAsync()
    {
        var progress = (await admin.GetAsync(HttpContext.Session(), "scrub/progress", HttpContext.RequestAborted)).Read<ScrubFigures>();
        return Partial("_ScrubProgress", progress);
    }

    public Task<IActionResult> OnPostScrubAsync() => StartAsync("scrub", "Scrub");

    public Task<IActionResult> OnPostRepairAsync() => StartAsync("repair", "Scrub and repair");

    /// <summary>
    /// The admin call runs the whole pass before it answers, so it is started and not awaited (it outlives this request,
    /// not the process); the page shows the pass once it has begun, then follows it from scrub/progress (the progress handler).
    /// </summary>
    private async Task<IActionResult> StartAsync(string call, string what)
    {
        var (session, ct) = (HttpContext.Session(), HttpContext.RequestAborted);
        // This node's own pass numbers: the pass started here is the first after the one it reports now.
        var before = (await admin.GetAsync(session, "scrub/progress?scope=node", ct)).Read<ScrubFigures>().Pass;
        var pass = admin.SendAsync(session, HttpMethod.Post, call, lifetime.ApplicationStopping);
        _ = pass.ContinueWith(t => { t.Result.Dispose(); }, TaskContinuationOptions.OnlyOnRanToCompletion);
        _ = pass.ContinueWith(t => LogFailed(call, t.Exception!.GetBaseException().Message), TaskContinuationOptions.OnlyOnFaulted);
        var deadline = time.GetTimestamp();
        while (!pass.IsCompleted && (await admin.GetAsync(session, "scrub/progress?scope=node", ct)).Read<ScrubFigures>().Pass == before
               && time.GetElapsedTime(deadline) < TimeSpan.FromSeconds(5))
            await Task.Delay(TimeSpan.FromMilliseconds(50), time, ct);
        if (pass.IsFaulted) throw pass.Exception!.GetBaseException(); // e.g. refused at once: shown as a message
        TempData[Messages.Done] = $"{what} started.";
        return Redirect(Messages.BackTo(Request));
    }

    public static string Bytes(long bytes) => Sizes.Text(bytes);

    public static string Count(long count) => count.ToString("N0", CultureInfo.InvariantCulture);

    public static string Time(DateTimeOffset? at) => at?.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) ?? "";

    public static string Nines(double nines) => double.IsFinite(nines) ? nines.ToString("0.0", CultureInfo.InvariantCulture) + " nines" : "no loss expected";

    [LoggerMessage(Level = LogLevel.Warning, Message = "The console's {Call} pass failed: {Reason}")]
    private partial void LogFailed(string call, string reason);
}
