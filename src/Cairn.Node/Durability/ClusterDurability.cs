using System.Text.Json;
using Cairn.Node.Cluster;
using Cairn.Transport;
using Cairn.Workers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Cairn.Node.Durability;

/// <summary>
/// The durability race of the whole store, as the admin API and through it the console's storage page read it. Each
/// node counts the scrubs and repairs it runs (the repair owner's scheduled passes, and any pass an operator asked of it)
/// in its own ledger and history; a read asks every node of the map but removed ones (<c>GET /cluster/v1/durability/…</c>
/// and <c>/cluster/v1/scrub/progress</c> on its cluster port) and adds the counts up: the ledgers' totals, the histories per
/// instant (<see cref="DurabilitySample.Sum"/>), and of the passes the one being watched (<see cref="ScrubReport.Watched"/>).
/// A node alone answers its own.
/// </summary>
public sealed class ClusterDurability(DurabilityLedger ledger, DurabilityHistory history, ScrubProgress progress, ClusterRuntime? cluster)
{
    public const string TotalsRoute = "/cluster/v1/durability/totals";
    public const string HistoryRoute = "/cluster/v1/durability/history";
    public const string ScrubRoute = "/cluster/v1/scrub/progress";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Every node's ledger counts summed, and the nodes whose counts are missing.</summary>
    public async Task<(DurabilityTotals Totals, UnreachableNode[] Unreachable)> TotalsAsync(CancellationToken cancellationToken)
    {
        if (cluster is null) return (ledger.Totals(), []);
        var answers = await Ask(_ => Task.FromResult(ledger.Totals()), TotalsRoute, cancellationToken).ConfigureAwait(false);
        return (DurabilityTotals.Sum(answers.Answers.Select(a => a.Answer).ToArray()), answers.Unreachable);
    }

    /// <summary>The race over time, oldest first, the nodes' counts summed per instant (a node that did not answer left out).</summary>
    public async Task<IReadOnlyList<DurabilitySample>> HistoryAsync(CancellationToken cancellationToken)
    {
        if (cluster is null) return history.Samples();
        var answers = await Ask(_ => Task.FromResult(history.Samples().ToArray()), HistoryRoute, cancellationToken).ConfigureAwait(false);
        return DurabilitySample.Sum(answers.Answers.Select(a => (IReadOnlyList<DurabilitySample>)a.Answer).ToArray());
    }

    /// <summary>The scrub pass an operator watches, naming the node that runs it; this node's own when no other answers.</summary>
    public async Task<ScrubReport> ScrubAsync(CancellationToken cancellationToken)
    {
        if (cluster is null) return progress.Report();
        var answers = await Ask(_ => Task.FromResult(progress.Report()), ScrubRoute, cancellationToken).ConfigureAwait(false);
        return answers.Answers.Count == 0 ? progress.Report() : ScrubReport.Watched(answers.Answers.Select(a => a.Answer with { Node = a.Node }).ToArray());
    }

    private Task<NodeAnswers<T>> Ask<T>(Func<CancellationToken, Task<T>> local, string route, CancellationToken cancellationToken) =>
        new ClusterFanOut(cluster!).AskAsync(local, route, QueryString.Empty, Json, cancellationToken);

    /// <summary>The node's half: its own counts, history and pass.</summary>
    public static void MapDurability(IEndpointRouteBuilder endpoints, DurabilityLedger ledger, DurabilityHistory history, ScrubProgress progress, ClusterSecret secret)
    {
        endpoints.MapGet(TotalsRoute, () => Results.Json(ledger.Totals(), Json)).RequireClusterSecret(secret);
        endpoints.MapGet(HistoryRoute, () => Results.Json(history.Samples(), Json)).RequireClusterSecret(secret);
        endpoints.MapGet(ScrubRoute, () => Results.Json(progress.Report(), Json)).RequireClusterSecret(secret);
    }
}
