using System.Net.Http.Json;
using System.Text.Json;
using Cairn.Cluster.Map;
using Cairn.Workers;
using Microsoft.AspNetCore.Http;

namespace Cairn.Node.Cluster;

/// <summary>Each node's answer to a read asked of every node, and the nodes that did not answer.</summary>
public sealed record NodeAnswers<T>(IReadOnlyList<(string Node, T Answer)> Answers, UnreachableNode[] Unreachable);

/// <summary>
/// Asks every node of the map but removed ones the same read at once, on its cluster port (this node answers from its
/// own state), for the reads of the whole store made of each node's part (audit entries, usage shares). A node that
/// does not answer within the transport's request deadline is reported, not waited for: the others' answers stand.
/// </summary>
public sealed class ClusterFanOut(ClusterRuntime cluster)
{
    public async Task<NodeAnswers<T>> AskAsync<T>(Func<CancellationToken, Task<T>> local, string route, QueryString query, JsonSerializerOptions json,
        CancellationToken cancellationToken)
    {
        var self = cluster.Options.NodeId;
        var answers = await Task.WhenAll(cluster.Map.Nodes.Where(n => n.State != NodeState.Removed).Select(async node =>
        {
            try
            {
                var answer = node.Id == self
                    ? await local(cancellationToken).ConfigureAwait(false)
                    : await AskAsync<T>(node, route + query.ToUriComponent(), json, cancellationToken).ConfigureAwait(false);
                return (node.Id, Answer: answer, Unreachable: (UnreachableNode?)null);
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException or JsonException && !cancellationToken.IsCancellationRequested)
            {
                return (node.Id, Answer: default(T)!, Unreachable: new UnreachableNode(node.Id, node.ClusterAddress, e.Message));
            }
        })).ConfigureAwait(false);
        return new NodeAnswers<T>(answers.Where(a => a.Unreachable is null).Select(a => (a.Id, a.Answer)).ToArray(),
            answers.Select(a => a.Unreachable).OfType<UnreachableNode>().ToArray());
    }

    private async Task<T> AskAsync<T>(ClusterNode node, string pathAndQuery, JsonSerializerOptions json, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(cluster.Options.Transport.RequestTimeout);
        using var response = await cluster.Http.GetAsync(new Uri(ClusterRuntime.ClusterBase(node), pathAndQuery), deadline.Token).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(deadline.Token).ConfigureAwait(false)}".Trim());
        return await response.Content.ReadFromJsonAsync<T>(json, deadline.Token).ConfigureAwait(false)
            ?? throw new JsonException($"node {node.Id} answered null");
    }
}
