using Cairn.Core.Observability;
using Cairn.Node.Cluster;
using Cairn.Workers;
using Cairn.Transport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Cairn.Node.Audit;

/// <summary>
/// The audit log of the whole store. Each node writes the entries of the requests it served to its own files; a read
/// asks every node of the map but removed ones for its matches (<c>GET /cluster/v1/audit</c> on its cluster port, the
/// same query), merges them newest first by time and keeps the query's limit, each entry naming its node. A node that
/// does not answer within the transport's request deadline is reported, not waited for: the others' entries are
/// answered all the same. A node outside a cluster answers its own entries, without a node name.
/// </summary>
public sealed class ClusterAudit(IAuditLog local, ClusterRuntime? cluster) : IAuditReader
{
    public const string Route = "/cluster/v1/audit";

    public async Task<AdminAudit> ReadAsync(AuditQuery query, QueryString text, CancellationToken cancellationToken)
    {
        if (cluster is null) return new AdminAudit(await local.ReadAsync(query, cancellationToken).ToArrayAsync(cancellationToken).ConfigureAwait(false), []);
        var answers = await new ClusterFanOut(cluster).AskAsync(
            ct => local.ReadAsync(query, ct).ToArrayAsync(ct).AsTask(), Route, text, AuditFileLog.Json, cancellationToken).ConfigureAwait(false);
        // Each node's answer is newest first in the order written; a stable sort by time keeps that order among equal times.
        var merged = answers.Answers.SelectMany(a => a.Answer.Select(e => e with { Node = a.Node })).OrderByDescending(e => e.Time).Take(query.Limit).ToArray();
        return new AdminAudit(merged, answers.Unreachable);
    }

    /// <summary>What the console's Activity page reads: the whole cluster's entries (a node that does not answer is left out).</summary>
    public async IAsyncEnumerable<AuditEntry> ReadAsync(AuditQuery query, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var entry in (await ReadAsync(query, AuditQueryText.Format(query), cancellationToken).ConfigureAwait(false)).Entries) yield return entry;
    }

    /// <summary>The node's half: its own entries that match the query (checked by the asking node's admin route already).</summary>
    public static void MapAudit(IEndpointRouteBuilder endpoints, IAuditLog local, ClusterSecret secret) =>
        endpoints.MapGet(Route, async (HttpContext http) =>
        {
            var entries = await local.ReadAsync(AuditQueryText.Parse(http.Request.Query), http.RequestAborted).ToArrayAsync(http.RequestAborted).ConfigureAwait(false);
            return Results.Json(entries, AuditFileLog.Json);
        }).RequireClusterSecret(secret);
}

/// <summary>The admin API's audit answer: the entries, newest first, and the nodes whose entries are missing from it.</summary>
public sealed record AdminAudit(AuditEntry[] Entries, UnreachableNode[] Unreachable);
