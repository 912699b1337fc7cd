using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Cairn.Testing;
using Xunit.Abstractions;

namespace Cairn.Node.Tests;

/// <summary>
/// A rolling restart — each node in turn stopped with SIGTERM and started again on its data — under PUT and GET load
/// gives clients no errors but retried ones: while a node is away its calls are refused or answered 503, and tried
/// again on another node; never a 500, never a wrong or missing object. Every acknowledged write reads back afterwards.
/// </summary>
public sealed class RollingRestartTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_rolling_restart_under_load_gives_clients_only_retried_errors_and_loses_nothing()
    {
        await using var cluster = await LocalClusterProcesses.StartAsync(3);
        var bucket = ServerFixture.NewBucketName("rolling");
        await cluster.Client(cluster.Nodes[0]).PutBucketAsync(bucket);

        using var stop = new CancellationTokenSource();
        var acknowledged = new ConcurrentDictionary<string, byte[]>();
        var wrong = new ConcurrentBag<string>();
        var retried = 0;
        var clients = cluster.Nodes.Select(n => cluster.Client(n, c => { c.MaxErrorRetry = 0; c.Timeout = TimeSpan.FromSeconds(15); })).ToArray();

        async Task CallAsync(int start, Func<AmazonS3Client, Task> call)
        {
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    await call(clients[(start + attempt) % clients.Length]);
                    return;
                }
                catch (Exception e) when (attempt < 50 && Retryable(e))
                {
                    Interlocked.Increment(ref retried);
                    await Task.Delay(100);
                }
            }
        }

        var writers = Enumerable.Range(0, 6).Select(w => Task.Run(async () =>
        {
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                try
                {
                    var key = $"w{w}/{n}";
                    var body = RandomNumberGenerator.GetBytes(Random.Shared.Next(1, 200 * 1024));
                    await CallAsync(w + n, c => c.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, InputStream = new MemoryStream(body) }));
                    acknowledged[key] = body;
                    var earlier = $"w{w}/{Random.Shared.Next(n + 1)}";
                    if (!acknowledged.TryGetValue(earlier, out var expected)) continue;
                    await CallAsync(w + n + 1, async c =>
                    {
                        using var get = await c.GetObjectAsync(bucket, earlier);
                        using var copy = new MemoryStream();
                        await get.ResponseStream.CopyToAsync(copy);
                        if (!copy.ToArray().AsSpan().SequenceEqual(expected)) wrong.Add($"{earlier}: other bytes");
                    });
                }
                catch (Exception e)
                {
                    wrong.Add($"writer {w}: {e.GetType().Name} {(e as AmazonS3Exception)?.StatusCode} {e.Message}");
                    await Task.Delay(100);
                }
            }
        })).ToArray();

        // Blobs written while a node was away are repaired once it is back, not left to the next scrub.
        async Task<string> FullRedundancyAsync(string when)
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (true)
            {
                var durability = await cluster.Nodes[0].Server.AdminAsync("durability");
                var groups = durability.GetProperty("stripeMargins").EnumerateArray().ToList();
                var margins = string.Join(", ", groups.Select(g => $"{g.GetProperty("stripes")} at margin {g.GetProperty("margin")}"));
                if (groups.All(g => g.GetProperty("margin").GetInt32() == g.GetProperty("parityFragments").GetInt32())) return margins;
                Assert.True(DateTime.UtcNow < deadline, $"blobs left short of full redundancy {when}: {margins}\n{cluster.Logs()}");
                await Task.Delay(500);
            }
        }

        await Task.Delay(TimeSpan.FromSeconds(3));
        foreach (var node in cluster.Nodes)
        {
            var before = acknowledged.Count;
            await node.Server.StopGracefullyAsync();
            await Task.Delay(TimeSpan.FromSeconds(2));
            await node.Server.StartProcessAsync();
            await Task.Delay(TimeSpan.FromSeconds(3));
            // As docs/cluster.md has operators do: the next node stops only once the blobs written while this one was away
            // (one fragment short) are rebuilt. Stopping it sooner is a second failure for them, and their reads wait for it.
            var margins = await FullRedundancyAsync($"after {node.Id} came back");
            output.WriteLine($"{node.Id} restarted; {acknowledged.Count - before} writes acknowledged meanwhile, {retried} attempts retried so far; {margins}");
        }
        await stop.CancelAsync();
        await Task.WhenAll(writers);

        // The failures go first and to the test's output too: the cluster's logs after them can be long enough to cut them off.
        foreach (var failure in wrong.Take(20)) output.WriteLine(failure);
        Assert.True(wrong.IsEmpty, string.Join("\n", wrong.Take(20)) + "\n" + cluster.Logs());
        output.WriteLine($"every blob at full redundancy: {await FullRedundancyAsync("after the restarts")}");
        Assert.True(retried > 0, "no attempt was retried: the restarts were not felt");
        Assert.True(acknowledged.Count > 100, $"only {acknowledged.Count} writes were acknowledged");
        foreach (var node in cluster.Nodes)
        {
            var client = cluster.Client(node);
            foreach (var (key, body) in acknowledged.Take(60))
            {
                using var get = await client.GetObjectAsync(bucket, key);
                using var copy = new MemoryStream();
                await get.ResponseStream.CopyToAsync(copy);
                Assert.True(body.AsSpan().SequenceEqual(copy.ToArray()), $"{key} through {node.Id} differs from what was acknowledged");
            }
        }
    }

    /// <summary>What an SDK retries: a node that is away (refused, reset, timed out) or a 503 while leadership moves. Never a 500 or a 4xx.</summary>
    private static bool Retryable(Exception e) => e switch
    {
        AmazonS3Exception s3 => s3.StatusCode == HttpStatusCode.ServiceUnavailable,
        AmazonServiceException { InnerException: HttpRequestException or IOException } => true,
        HttpRequestException or IOException or TaskCanceledException => true,
        _ => false,
    };
}
