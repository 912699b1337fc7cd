using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;
using Cairn.Testing;
using Xunit.Abstractions;

namespace Cairn.Node.Tests;

/// <summary>
/// kill -9 of the leader of the range being written, under 8-way PUT / GET / DELETE load spread over every node:
/// a new leader is elected within seconds, clients' retries succeed, no acknowledged write is lost, and the
/// linearizability checker finds no violation in the history of clients spread over all three nodes.
/// </summary>
public sealed class LeaderFailoverTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Killing_the_leader_under_load_loses_no_acknowledged_write_and_the_history_stays_linearizable()
    {
        await using var cluster = await LocalClusterProcesses.StartAsync(3);
        var leader = await cluster.LeaderAsync();
        var bucket = ServerFixture.NewBucketName("failover");
        await cluster.Client(cluster.Nodes[0]).PutBucketAsync(bucket);

        // The checker's clients, spread over the three nodes, run through the kill.
        var endpoints = string.Join(',', cluster.Nodes.Select(n => n.Server.Endpoint));
        var checker = ProcessRunner.RunAsync(ServerProcess.CairnCommand(
            "check", "linearizability", "--endpoints", endpoints, "--duration", "25s", "--clients", "8", "--keys", "4", "--request-timeout", "10s"),
            TimeSpan.FromMinutes(4));

        // Our own writers: acknowledged PUTs and DELETEs, each retried on another node until it succeeds.
        using var stop = new CancellationTokenSource();
        var acknowledged = new ConcurrentDictionary<string, byte[]?>();
        var writers = Enumerable.Range(0, 8).Select(w => WriteAsync(cluster, bucket, w, acknowledged, stop.Token)).ToArray();

        await Task.Delay(TimeSpan.FromSeconds(8));
        var killed = Stopwatch.StartNew();
        leader.Server.Kill();
        var next = await cluster.LeaderAsync(TimeSpan.FromSeconds(30));
        output.WriteLine($"killed leader {leader.Id}; survivors agree on {next.Id} after {killed.Elapsed.TotalSeconds:F2} s");
        Assert.NotEqual(leader.Id, next.Id);

        await Task.Delay(TimeSpan.FromSeconds(8));
        stop.Cancel();
        await Task.WhenAll(writers);
        var check = await checker;
        output.WriteLine(check.Stdout);
        Assert.True(check.ExitCode == 0, $"the checker did not find the history linearizable (killed {leader.Id}, then {next.Id} led): {check}\n{cluster.Logs()}");
        Assert.Contains("verdict: linearizable", check.Stdout);

        // Every acknowledged write reads back byte-exact through both survivors; every acknowledged delete stays deleted.
        Assert.True(acknowledged.Count > 50, $"only {acknowledged.Count} writes were acknowledged");
        foreach (var node in cluster.Running)
        {
            var client = cluster.Client(node);
            foreach (var (key, body) in acknowledged)
            {
                if (body is null)
                {
                    var gone = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => client.GetObjectMetadataAsync(bucket, key));
                    Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
                    continue;
                }
                using var get = await client.GetObjectAsync(bucket, key);
                using var copy = new MemoryStream();
                await get.ResponseStream.CopyToAsync(copy);
                Assert.True(body.AsSpan().SequenceEqual(copy.ToArray()), $"{key} through {node.Id} differs from what was acknowledged");
            }
        }

        // The killed leader comes back, catches up, and serves the same store.
        var restarted = Stopwatch.StartNew();
        await leader.Server.RestartAsync();
        output.WriteLine($"{leader.Id} ready again after {restarted.Elapsed.TotalSeconds:F2} s");
        var returned = cluster.Client(leader);
        foreach (var (key, body) in acknowledged.Where(a => a.Value is not null).Take(20))
        {
            using var get = await returned.GetObjectAsync(bucket, key);
            using var copy = new MemoryStream();
            await get.ResponseStream.CopyToAsync(copy);
            Assert.Equal(body, copy.ToArray());
        }
    }

    private static async Task WriteAsync(LocalClusterProcesses cluster, string bucket, int writer, ConcurrentDictionary<string, byte[]?> acknowledged,
        CancellationToken stop)
    {
        var clients = cluster.Nodes.Select(n => cluster.Client(n, c => c.Timeout = TimeSpan.FromSeconds(15))).ToArray();
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            var key = $"w{writer}/{n}";
            var body = RandomNumberGenerator.GetBytes(Random.Shared.Next(1, 64 * 1024));
            // A retry may apply the PUT twice: the same bytes under the same key, so either outcome reads the same.
            await RetryOnAnyNodeAsync(clients, writer + n, c => c.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, InputStream = new MemoryStream(body) }));
            acknowledged[key] = body;
            if (n % 5 == 4)
            {
                var victim = $"w{writer}/{n - 2}";
                await RetryOnAnyNodeAsync(clients, writer + n, c => c.DeleteObjectAsync(bucket, victim));
                acknowledged[victim] = null;
            }
        }
    }

    private static async Task RetryOnAnyNodeAsync(AmazonS3Client[] clients, int start, Func<AmazonS3Client, Task> call)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await call(clients[(start + attempt) % clients.Length]);
                return;
            }
            // A node that is gone, or a 5xx while the leader changes: try the next node. A 4xx is an answer, not a failure.
            catch (Exception e) when (DateTime.UtcNow < deadline && e is not AmazonS3Exception { StatusCode: < HttpStatusCode.InternalServerError })
            {
                await Task.Delay(100);
            }
        }
    }
}
