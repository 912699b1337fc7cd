using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Cairn.Checking.Campaign.Network;
using Cairn.Testing;
using Xunit.Abstractions;

namespace Cairn.Node.Tests;

/// <summary>
/// Network partitions between three real nodes, each dialling the others through a <see cref="ProxyMesh"/>
/// (<c>--route-peer</c>): the majority keeps serving, an isolated node answers 503 in bounded time instead of hanging or
/// serving stale data, an isolated leader is replaced within seconds, and after the heal every acknowledged write
/// reads back through every node.
/// </summary>
public sealed class PartitionTests(ITestOutputHelper output)
{
    /// <summary>Longer than this for one request is a node hanging, not refusing.</summary>
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task An_isolated_node_refuses_in_bounded_time_while_the_majority_serves_and_every_acknowledged_write_survives_the_heal()
    {
        var addresses = LocalClusterProcesses.ReserveClusterAddresses(3);
        await using var mesh = new ProxyMesh(addresses);
        await using var cluster = await LocalClusterProcesses.StartAsync(3, clusterAddresses: addresses, nodeArguments: id => ["--route-peer", mesh.RoutesOf(id)]);
        var s3 = cluster.Nodes.ToDictionary(n => n.Id, n => new SignedHttp(n.Server));
        var bucket = ServerFixture.NewBucketName("partition");
        var acknowledged = new ConcurrentDictionary<string, byte[]>();
        var test = Stopwatch.StartNew();
        try
        {
            // Through the mesh, the cluster works as without it.
            Assert.Equal(HttpStatusCode.OK, (await s3["n1"].SendAsync(HttpMethod.Put, $"/{bucket}")).StatusCode);
            await PutAsync("n1", "shared");
            Assert.Equal(acknowledged["shared"], await GetAsync(s3["n3"], "shared"));
            // Every node dials every other through its link (at least the drives' HTTP/2 calls): none goes around the mesh.
            foreach (var from in mesh.Nodes)
                foreach (var to in mesh.Nodes.Where(to => to != from))
                    Assert.True(mesh.Link(from, to).AcceptedConnections > 0, $"{from} never dialled {to} through the mesh");

            // 1. A follower of the range cut off: the two others keep writing; the follower refuses writes and fresh reads.
            var leader = await cluster.LeaderAsync();
            var follower = cluster.Nodes.First(n => n.Id != leader.Id);
            var majority = cluster.Nodes.Where(n => n.Id != follower.Id).Select(n => n.Id).ToArray();
            output.WriteLine($"range leader {leader.Id}; isolating follower {follower.Id} at {test.Elapsed.TotalSeconds:F1} s");
            mesh.Isolate(new HashSet<string> { follower.Id });
            await Task.WhenAll(PutAsync(majority[0], "shared"), PutAsync(majority[1], "isolated-follower/new"));
            await Task.WhenAll(
                AssertRefusedAsync(follower.Id, HttpMethod.Put, "isolated-follower/through-it"),
                AssertRefusedAsync(follower.Id, HttpMethod.Get, "shared"), // overwritten meanwhile: its old value would be stale
                AssertRefusedAsync(follower.Id, HttpMethod.Get, "isolated-follower/new"), // written meanwhile: 404 would be stale
                PutAsync(majority[0], $"isolated-follower/{majority[0]}"),
                PutAsync(majority[1], $"isolated-follower/{majority[1]}"));

            // 2. The leader cut off (the follower rejoins): the two others elect a leader and write within seconds.
            output.WriteLine($"isolating leader {leader.Id} at {test.Elapsed.TotalSeconds:F1} s");
            var cut = Stopwatch.StartNew();
            mesh.Isolate(new HashSet<string> { leader.Id });
            var others = cluster.Nodes.Where(n => n.Id != leader.Id).ToArray();
            var next = await AgreedLeaderAsync(cluster, others, excluding: leader.Id, TimeSpan.FromSeconds(30));
            output.WriteLine($"{string.Join(",", others.Select(o => o.Id))} agree on leader {next} after {cut.Elapsed.TotalSeconds:F1} s");
            // While a node's stale view of the leader is corrected, a write may be refused with 503 (which clients retry).
            await Task.WhenAll(PutAsync(others[0].Id, "shared", retryFor: TimeSpan.FromSeconds(15)),
                PutAsync(others[1].Id, "isolated-leader/new", retryFor: TimeSpan.FromSeconds(15)));
            output.WriteLine($"writes through both after {cut.Elapsed.TotalSeconds:F1} s");
            Assert.True(cut.Elapsed < TimeSpan.FromSeconds(30), $"the majority took {cut.Elapsed.TotalSeconds:F1} s to serve writes again");
            await Task.WhenAll(
                AssertRefusedAsync(leader.Id, HttpMethod.Put, "isolated-leader/through-it"),
                AssertRefusedAsync(leader.Id, HttpMethod.Get, "shared"),
                AssertRefusedAsync(leader.Id, HttpMethod.Get, "isolated-leader/new"),
                PutAsync(others[0].Id, $"isolated-leader/{others[0].Id}"),
                PutAsync(others[1].Id, $"isolated-leader/{others[1].Id}"));

            // 3. Healed: every acknowledged write reads back through every node, the formerly isolated ones included.
            output.WriteLine($"healing at {test.Elapsed.TotalSeconds:F1} s");
            mesh.Heal();
            var healed = Stopwatch.StartNew();
            foreach (var node in cluster.Nodes)
            {
                // The first read may wait for the node to rejoin its groups; after it, none may fail.
                Assert.Equal(acknowledged["shared"], await GetAsync(s3[node.Id], "shared", retryFor: TimeSpan.FromSeconds(30)));
                output.WriteLine($"{node.Id} serves reads {healed.Elapsed.TotalSeconds:F1} s after the heal");
                foreach (var (key, body) in acknowledged)
                {
                    var read = await GetAsync(s3[node.Id], key);
                    Assert.True(body.AsSpan().SequenceEqual(read), $"{key} through {node.Id} differs from what was acknowledged");
                }
            }
            output.WriteLine($"{acknowledged.Count} acknowledged writes read back through every node; {test.Elapsed.TotalSeconds:F1} s in all");
        }
        catch
        {
            output.WriteLine(cluster.Logs());
            throw;
        }
        finally
        {
            foreach (var client in s3.Values) client.Dispose();
        }

        async Task PutAsync(string via, string key, TimeSpan? retryFor = null)
        {
            var body = RandomNumberGenerator.GetBytes(Random.Shared.Next(1, 100_000));
            var deadline = DateTime.UtcNow + (retryFor ?? TimeSpan.Zero);
            while (true)
            {
                var took = Stopwatch.StartNew();
                using var answer = await s3[via].SendAsync(HttpMethod.Put, $"/{bucket}/{key}", SignedHttp.Bytes(body));
                output.WriteLine($"PUT {key} via {via}: {(int)answer.StatusCode} in {took.Elapsed.TotalSeconds:F2} s");
                if (answer.StatusCode == HttpStatusCode.OK)
                {
                    acknowledged[key] = body;
                    return;
                }
                Assert.True(answer.StatusCode == HttpStatusCode.ServiceUnavailable && DateTime.UtcNow < deadline,
                    $"PUT {key} via {via}: {(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync()}");
                await Task.Delay(200);
            }
        }

        async Task<byte[]> GetAsync(SignedHttp via, string key, TimeSpan? retryFor = null)
        {
            var deadline = DateTime.UtcNow + (retryFor ?? TimeSpan.Zero);
            while (true)
            {
                using var answer = await via.SendAsync(HttpMethod.Get, $"/{bucket}/{key}");
                if (answer.StatusCode == HttpStatusCode.OK) return await answer.Content.ReadAsByteArrayAsync();
                Assert.True(answer.StatusCode == HttpStatusCode.ServiceUnavailable && DateTime.UtcNow < deadline,
                    $"GET {key} via {via.Url("/").Authority}: {(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync()}");
                await Task.Delay(200);
            }
        }

        async Task AssertRefusedAsync(string via, HttpMethod method, string key)
        {
            var what = $"{method} {key} through isolated {via}";
            var took = Stopwatch.StartNew();
            using var request = new CancellationTokenSource(Bounded);
            HttpResponseMessage answer;
            try
            {
                answer = await s3[via].SendAsync(method, $"/{bucket}/{key}", method == HttpMethod.Put ? SignedHttp.Bytes(RandomNumberGenerator.GetBytes(1000)) : null)
                    .WaitAsync(request.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"{what}: no answer in {Bounded.TotalSeconds} s (the node hangs)");
                throw;
            }
            using var _ = answer;
            var (status, code) = await SignedHttp.ErrorOf(answer);
            output.WriteLine($"{what}: {status} {code} in {took.Elapsed.TotalSeconds:F2} s");
            // Neither success (a stale value, or a write the isolated node cannot have committed) nor 404 nor 500: 503 with S3's XML.
            Assert.True(status == 503 && code is "ServiceUnavailable" or "SlowDown", $"{what}: {status} {code}");
        }
    }

    /// <summary>The leader of the first range that every node of <paramref name="nodes"/> names, once they agree on one other than <paramref name="excluding"/>.</summary>
    private static async Task<string> AgreedLeaderAsync(LocalClusterProcesses cluster, IReadOnlyList<ClusterNodeProcess> nodes, string excluding, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var named = new HashSet<string?>();
            foreach (var node in nodes)
            {
                var status = await cluster.StatusAsync(node);
                named.Add(status.GetProperty("ranges")[0].TryGetProperty("leader", out var l) && l.ValueKind == JsonValueKind.String ? l.GetString() : null);
            }
            if (named.Count == 1 && named.Single() is { } leader && leader != excluding) return leader;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{string.Join(",", nodes.Select(n => n.Id))} do not agree on a new leader: {string.Join(",", named)}.");
            await Task.Delay(200);
        }
    }
}
