using System.Text.Json;
using Cairn.Node.Cluster;
using Cairn.Workers;
using Cairn.Transport;
using Cairn.Workers.Usage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Cairn.Node.Usage;

/// <summary>The usage samples a read answers, oldest first, and the nodes whose shares are missing from them.</summary>
public sealed record UsageReading(UsageSample[] Samples, UnreachableNode[] Unreachable);

/// <summary>
/// The usage of the whole store, as the admin API and through it the console and the CLI read it. Each node samples the
/// ranges it leads (<see cref="UsageSampler"/>); a read asks every node of the map but removed ones for its samples
/// (<c>GET /cluster/v1/usage/…</c> on its cluster port, the bucket and grouping applied there) and adds the shares up
/// (<see cref="UsageShares"/>). A node that does not answer is reported, and its share is missing from the sums. A
/// node outside a cluster answers its own samples, which are the whole store's.
/// </summary>
public sealed class ClusterUsage(UsageSampler local, UsageOptions options, ClusterRuntime? cluster)
{
    public const string LatestRoute = "/cluster/v1/usage/latest";
    public const string HistoryRoute = "/cluster/v1/usage/history";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// A node's sample counts at an instant for two intervals after it was taken: one missed or slow walk is bridged, a
    /// node down for longer is not counted beside those that took over its ranges.
    /// </summary>
    private TimeSpan StaleAfter => 2 * options.Interval;

    /// <summary>The newest sum: each node's latest sample, projected by <paramref name="query"/> (its times are ignored).</summary>
    public async Task<UsageReading> LatestAsync(UsageQuery query, CancellationToken cancellationToken)
    {
        UsageSample[] Own() => local.Latest is { } latest ? [query.Project(latest)] : [];
        if (cluster is null) return new UsageReading(Own(), []);
        var shares = await new ClusterFanOut(cluster).AskAsync(_ => Task.FromResult(Own()), LatestRoute, UsageQueryText.Format(query with { From = null, To = null }),
            Json, cancellationToken).ConfigureAwait(false);
        var sums = UsageShares.Sum(shares.Answers.Select(a => (IReadOnlyList<UsageSample>)a.Answer).ToArray(), StaleAfter);
        return new UsageReading(sums.Count > 0 ? [sums[^1]] : [], shares.Unreachable);
    }

    /// <summary>The sums at every instant any node measured at in [From, To].</summary>
    public async Task<UsageReading> HistoryAsync(UsageQuery query, CancellationToken cancellationToken)
    {
        if (cluster is null) return new UsageReading([.. query.Read(local.History)], []);
        // The samples before From that still count at From are asked for too, so the first sums are whole.
        var asked = query with { From = query.From - StaleAfter };
        var shares = await new ClusterFanOut(cluster).AskAsync(_ => Task.FromResult(asked.Read(local.History).ToArray()), HistoryRoute,
            UsageQueryText.Format(asked), Json, cancellationToken).ConfigureAwait(false);
        var sums = UsageShares.Sum(shares.Answers.Select(a => (IReadOnlyList<UsageSample>)a.Answer).ToArray(), StaleAfter);
        return new UsageReading([.. sums.Where(s => query.From is null || s.At >= query.From)], shares.Unreachable);
    }

    /// <summary>The node's half: its own samples (the query checked by the asking node's admin route already).</summary>
    public static void MapUsage(IEndpointRouteBuilder endpoints, UsageSampler local, ClusterSecret secret)
    {
        endpoints.MapGet(LatestRoute, (HttpContext http) =>
        {
            var query = UsageQueryText.Parse(http.Request.Query);
            return Results.Json(local.Latest is { } latest ? new[] { query.Project(latest) } : [], Json);
        }).RequireClusterSecret(secret);
        endpoints.MapGet(HistoryRoute, (HttpContext http) =>
            Results.Json(UsageQueryText.Parse(http.Request.Query).Read(local.History).ToArray(), Json)).RequireClusterSecret(secret);
    }
}
