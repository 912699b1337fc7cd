using System.Net;
using Cairn.Cluster.Map;
using Cairn.Cluster.Meta;
using Cairn.Consensus;
using Cairn.Consensus.Meta;
using Cairn.Transport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace Cairn.Node.Cluster;

/// <summary>
/// A later node asks a running cluster to take it in: it posts its <see cref="NodeDescription"/> to a node of its join
/// list (<c>POST /cluster/v1/join</c> on the cluster port), which proposes the meta group's AddNode and AddDrive commands
/// under request ids fixed by the node and drive ids, so a retry applies once. The node is then joining: it holds
/// nothing until an operator admits it (<c>cairn admin cluster admit</c>). A node whose id or address another node has,
/// or a sixth node, is refused (409, the reason as text); so is one whose wire version the cluster cannot talk to, by
/// the cluster port itself before the request is read (<see cref="ClusterWire"/>).
/// </summary>
public static partial class ClusterJoin
{
    public const string Route = "/cluster/v1/join";

    /// <summary>The command an operator runs to admit the node.</summary>
    public static string AdmitCommand(string nodeId) => $"cairn admin cluster admit {nodeId}";

    /// <summary>Why the cluster refuses <paramref name="node"/>, or null when it may join (or already asked to: a retry).</summary>
    public static string? Refusal(ClusterMap map, NodeDescription node)
    {
        if (map.Node(node.Id) is { } same)
            return same.ClusterAddress == node.ClusterAddress && same.S3Address == node.S3Address
                ? null
                : $"Node id {node.Id} is already taken by the node at {same.ClusterAddress} (S3 {same.S3Address}); choose another --node-id.";
        if (map.Nodes.FirstOrDefault(n => n.State != NodeState.Removed && (n.ClusterAddress == node.ClusterAddress || n.S3Address == node.S3Address)) is { } other)
            return $"Node {other.Id} already has the address {(other.ClusterAddress == node.ClusterAddress ? other.ClusterAddress : other.S3Address)}.";
        return null;
    }

    /// <summary>The commands that put the node in the map as joining, with its drives; fixed request ids make retries apply once.</summary>
    public static IEnumerable<MetaCommand> Commands(NodeDescription node, DateTimeOffset at)
    {
        yield return new AddNode(new NodeSpec(node.Id, node.S3Address, node.ClusterAddress, node.Domain)) { At = at, RequestId = $"join/{node.Id}" };
        foreach (var drive in node.Drives)
            yield return new AddDrive(drive.Id, node.Id, drive.Domain, drive.Weight, drive.Tier) { At = at, RequestId = $"join/{node.Id}/drive/{drive.Id}" };
    }

    /// <summary>The running node's half: checks the request against the map and proposes the node's commands.</summary>
    public static void MapJoin(this IEndpointRouteBuilder endpoints, Func<MetaReplica?> member, ClusterSecret secret, TimeProvider time) =>
        endpoints.MapPost(Route, async (HttpContext http) =>
        {
            if (member() is not { } meta) return Results.Text("This node runs no meta group member yet.", statusCode: StatusCodes.Status503ServiceUnavailable);
            using var body = new MemoryStream();
            await http.Request.Body.CopyToAsync(body, http.RequestAborted).ConfigureAwait(false);
            NodeDescription node;
            try
            {
                node = NodeDescription.Decode(body.ToArray());
            }
            catch (Exception e) when (e is System.Text.Json.JsonException or InvalidDataException)
            {
                return Results.Text($"Not a node description: {e.Message}", statusCode: StatusCodes.Status400BadRequest);
            }
            try
            {
                var map = await meta.ReadAsync(http.RequestAborted).ConfigureAwait(false);
                if (Refusal(map, node) is { } refusal) return Results.Text(refusal, statusCode: StatusCodes.Status409Conflict);
                foreach (var command in Commands(node, time.GetUtcNow()))
                {
                    try
                    {
                        await meta.ExecuteAsync(command, http.RequestAborted).ConfigureAwait(false);
                    }
                    catch (MetaCommandException e) when (e.Error is MetaError.NodeExists or MetaError.DriveExists)
                    {
                        // This node's earlier request, under an id the dedupe window forgot: already done.
                    }
                }
                return Results.Text(meta.Current.Node(node.Id)?.State.ToString() ?? "Joining");
            }
            catch (MetaCommandException e)
            {
                return Results.Text(e.Message, statusCode: StatusCodes.Status409Conflict);
            }
            catch (Exception e) when (e is CommandOutcomeUnknownException or TimeoutException or GroupUnavailableException)
            {
                return Results.Text(e.Message, statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        }).RequireClusterSecret(secret);

    /// <summary>
    /// The joining node's half: asks the nodes of the join list in turn until one takes the request. A refusal throws
    /// <see cref="ArgumentException"/> with the cluster's reason (a <see cref="WireVersionMismatch"/> for a wire version); no answer within the bootstrap timeout throws
    /// <see cref="TimeoutException"/>.
    /// </summary>
    public static async Task RequestAsync(ClusterOptions options, NodeDescription self, HttpClient cluster, ILogger log, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.BootstrapTimeout);
        var body = self.Encode();
        var reasons = new Dictionary<string, string>(StringComparer.Ordinal);
        while (true)
        {
            foreach (var peer in options.Join)
            {
                try
                {
                    using var attempt = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
                    attempt.CancelAfter(TimeSpan.FromSeconds(30));
                    using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"http://{peer}{Route}"))
                    {
                        Content = new ByteArrayContent(body) { Headers = { ContentType = new("application/json") } },
                    };
                    using var response = await cluster.SendAsync(request, attempt.Token).ConfigureAwait(false);
                    var text = await response.Content.ReadAsStringAsync(attempt.Token).ConfigureAwait(false);
                    if (response.IsSuccessStatusCode) return;
                    if (response.StatusCode == HttpStatusCode.Conflict) throw new ArgumentException($"The cluster at {peer} refuses node {self.Id}: {text}");
                    if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
                        throw new ArgumentException($"The cluster at {peer} refuses this node's cluster secret.");
                    reasons[peer] = $"{(int)response.StatusCode} {text}";
                }
                catch (WireVersionRefusedException e)
                {
                    throw new WireVersionMismatch($"The cluster at {peer} refuses node {self.Id}: {e.Reason}");
                }
                catch (Exception e) when (e is HttpRequestException || e is OperationCanceledException && !deadline.IsCancellationRequested)
                {
                    reasons[peer] = e.Message;
                }
            }
            LogJoinRetry(log, string.Join("; ", reasons.Select(r => $"{r.Key}: {r.Value}")));
            try
            {
                await Task.Delay(1000, deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"No node of {string.Join(',', options.Join)} took the join request within {options.BootstrapTimeout}.");
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Join: no node of the join list took the request yet ({Reasons}); asking again")]
    private static partial void LogJoinRetry(ILogger log, string reasons);
}
