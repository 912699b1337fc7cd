using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using Cairn.Testing;

namespace Cairn.System.Tests;

/// <summary>Versions on disk: space accounting, reaps that return bytes, restarts, and readers racing writers.</summary>
public sealed class VersionedBytesTests
{
    [Fact]
    public async Task Space_accounting_follows_overwrites_markers_and_reaps_and_a_reap_frees_the_bytes()
    {
        await using var server = await ServerProcess.StartAsync("--gc-grace", "00:00:01", "--gc-interval", "00:00:01");
        using var s3 = server.Client();
        await s3.PutBucketAsync("acct");
        await s3.PutBucketVersioningAsync(new PutBucketVersioningRequest { BucketName = "acct", VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled } });
        const long big = 50L * 1024 * 1024;
        var v1 = await s3.PutObjectAsync(new PutObjectRequest { BucketName = "acct", Key = "k", InputStream = new MemoryStream(RandomNumberGenerator.GetBytes((int)big)) });
        Assert.Equal((1, big, 0, 0, 0), await UsageAsync(server));

        await s3.PutObjectAsync(new PutObjectRequest { BucketName = "acct", Key = "k", ContentBody = "tiny" });
        Assert.Equal((1, 4, 1, big, 0), await UsageAsync(server));

        await s3.DeleteObjectAsync("acct", "k");
        Assert.Equal((0, 0, 2, big + 4, 1), await UsageAsync(server));
        Assert.Equal(1, server.FragmentFiles()); // a marker frees nothing

        await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = "acct", Key = "k", VersionId = v1.VersionId });
        Assert.Equal((0, 0, 1, 4, 1), await UsageAsync(server));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (server.FragmentFiles() > 0 && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.Equal(0, server.FragmentFiles()); // the reaped 50 MiB went back to the disk
    }

    [Fact]
    public async Task Versions_and_markers_survive_a_restart()
    {
        await using var server = await ServerProcess.StartAsync();
        string v1, marker;
        using (var s3 = server.Client())
        {
            await s3.PutBucketAsync("restart");
            await s3.PutBucketVersioningAsync(new PutBucketVersioningRequest { BucketName = "restart", VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled } });
            v1 = (await s3.PutObjectAsync(new PutObjectRequest { BucketName = "restart", Key = "k", ContentBody = new string('v', 100_000) })).VersionId;
            marker = (await s3.DeleteObjectAsync("restart", "k")).VersionId;
        }
        await server.RestartAsync();
        using (var s3 = server.Client())
        {
            var versions = (await s3.ListVersionsAsync("restart")).Versions;
            Assert.Equal([marker, v1], versions.Select(v => v.VersionId));
            Assert.True(versions[0].IsDeleteMarker);
            using var old = await s3.GetObjectAsync(new GetObjectRequest { BucketName = "restart", Key = "k", VersionId = v1 });
            Assert.Equal(new string('v', 100_000), await new StreamReader(old.ResponseStream).ReadToEndAsync());
            var status = await s3.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = "restart" });
            Assert.Equal(VersionStatus.Enabled, status.VersioningConfig.Status);
        }
    }

    [Fact]
    public async Task Readers_racing_overwrites_and_deletes_of_one_key_never_see_a_mix()
    {
        await using var server = await ServerProcess.StartAsync();
        using var setup = server.Client();
        await setup.PutBucketAsync("race");
        await setup.PutBucketVersioningAsync(new PutBucketVersioningRequest { BucketName = "race", VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled } });
        var attempted = new ConcurrentDictionary<string, bool>();
        var acknowledgedPuts = 0;
        var markers = 0;
        var reads = 0;
        var stopAt = DateTime.UtcNow.AddSeconds(8);

        async Task WriterAsync(int id)
        {
            using var s3 = server.Client();
            var rng = new Random(id);
            for (var i = 0; DateTime.UtcNow < stopAt; i++)
            {
                if (rng.Next(5) == 0)
                {
                    await s3.DeleteObjectAsync("race", "hot");
                    Interlocked.Increment(ref markers);
                    continue;
                }
                // Sizes on both sides of the inline threshold and across fragment blocks.
                var body = RandomNumberGenerator.GetBytes(rng.Next(2) == 0 ? rng.Next(1, 16_000) : rng.Next(100_000, 600_000));
                attempted[Convert.ToHexString(MD5.HashData(body))] = true;
                await s3.PutObjectAsync(new PutObjectRequest { BucketName = "race", Key = "hot", InputStream = new MemoryStream(body) });
                Interlocked.Increment(ref acknowledgedPuts);
            }
        }

        async Task ReaderAsync()
        {
            using var s3 = server.Client();
            while (DateTime.UtcNow < stopAt)
            {
                try
                {
                    using var get = await s3.GetObjectAsync("race", "hot");
                    using var m = new MemoryStream();
                    await get.ResponseStream.CopyToAsync(m);
                    Assert.True(attempted.ContainsKey(Convert.ToHexString(MD5.HashData(m.ToArray()))), "a GET returned bytes no PUT sent");
                    Interlocked.Increment(ref reads);
                }
                catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchKey")
                {
                    // The current version is a delete marker right now.
                }
            }
        }

        await Task.WhenAll([.. Enumerable.Range(0, 4).Select(WriterAsync), .. Enumerable.Range(0, 4).Select(_ => ReaderAsync())]);
        Assert.True(reads > 10 && acknowledgedPuts > 10, $"the race must actually run (reads {reads}, puts {acknowledgedPuts})");

        // Every PUT and every DELETE became its own version, in commit order.
        var versions = new List<S3ObjectVersion>();
        var request = new ListVersionsRequest { BucketName = "race" };
        while (true)
        {
            var page = await setup.ListVersionsAsync(request);
            versions.AddRange(page.Versions);
            if (page.IsTruncated != true) break;
            (request.KeyMarker, request.VersionIdMarker) = (page.NextKeyMarker, page.NextVersionIdMarker);
        }
        Assert.Equal(acknowledgedPuts + markers, versions.Count);
        Assert.Equal(markers, versions.Count(v => v.IsDeleteMarker == true));
        Assert.Equal(versions.Select(v => v.VersionId).OrderByDescending(v => v, StringComparer.Ordinal), versions.Select(v => v.VersionId));
    }

    private static async Task<(long Objects, long Live, long NoncurrentVersions, long NoncurrentBytes, long Markers)> UsageAsync(ServerProcess server)
    {
        var result = await ProcessRunner.RunAsync(ServerProcess.CairnCommand("admin", "usage", "--bucket", "acct", "--json", "--endpoint", server.Endpoint));
        Assert.True(result.ExitCode == 0, result.ToString());
        var b = JsonDocument.Parse(result.Stdout).RootElement.GetProperty("buckets")[0];
        Assert.Equal(b.GetProperty("liveBytes").GetInt64() + b.GetProperty("noncurrentBytes").GetInt64() + b.GetProperty("incompleteUploadBytes").GetInt64(), b.GetProperty("totalBytes").GetInt64());
        return (b.GetProperty("objects").GetInt64(), b.GetProperty("liveBytes").GetInt64(), b.GetProperty("noncurrentVersions").GetInt64(),
            b.GetProperty("noncurrentBytes").GetInt64(), b.GetProperty("deleteMarkers").GetInt64());
    }

}
