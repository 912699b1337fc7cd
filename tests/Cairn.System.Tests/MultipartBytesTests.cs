using System.Security.Cryptography;
using System.Text.Json;
using Amazon.S3.Model;
using Cairn.Testing;

namespace Cairn.System.Tests;

/// <summary>Multipart uploads on disk: parts occupy space until complete or abort; uploads survive restarts.</summary>
public sealed class MultipartBytesTests
{
    private const int MiB = 1024 * 1024;

    [Fact]
    public async Task Parts_count_as_incomplete_upload_bytes_and_abort_frees_them()
    {
        await using var server = await ServerProcess.StartAsync("--gc-grace", "00:00:01", "--gc-interval", "00:00:01");
        using var s3 = server.Client();
        await s3.PutBucketAsync("mpu-space");
        var create = await s3.InitiateMultipartUploadAsync("mpu-space", "k");
        for (var i = 1; i <= 3; i++)
            await s3.UploadPartAsync(new UploadPartRequest { BucketName = "mpu-space", Key = "k", UploadId = create.UploadId, PartNumber = i, InputStream = new MemoryStream(RandomNumberGenerator.GetBytes(2 * MiB)) });
        var usage = await UsageAsync(server, "mpu-space");
        Assert.Equal(6L * MiB, usage.GetProperty("incompleteUploadBytes").GetInt64());
        Assert.Equal(0, usage.GetProperty("liveBytes").GetInt64());
        Assert.Equal(3, server.FragmentFiles());

        await s3.AbortMultipartUploadAsync("mpu-space", "k", create.UploadId);
        Assert.Equal(0, (await UsageAsync(server, "mpu-space")).GetProperty("incompleteUploadBytes").GetInt64());
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (server.FragmentFiles() > 0 && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.Equal(0, server.FragmentFiles());
    }

    [Fact]
    public async Task An_upload_survives_a_restart_and_completes_afterwards()
    {
        await using var server = await ServerProcess.StartAsync();
        var parts = new[] { RandomNumberGenerator.GetBytes(5 * MiB), RandomNumberGenerator.GetBytes(123) };
        string uploadId;
        var etags = new List<PartETag>();
        using (var s3 = server.Client())
        {
            await s3.PutBucketAsync("mpu-restart");
            uploadId = (await s3.InitiateMultipartUploadAsync("mpu-restart", "k")).UploadId;
            var first = await s3.UploadPartAsync(new UploadPartRequest { BucketName = "mpu-restart", Key = "k", UploadId = uploadId, PartNumber = 1, InputStream = new MemoryStream(parts[0]) });
            etags.Add(new PartETag(1, first.ETag));
        }
        server.Kill();
        await server.StartProcessAsync();
        using (var s3 = server.Client())
        {
            var listed = await s3.ListPartsAsync(new ListPartsRequest { BucketName = "mpu-restart", Key = "k", UploadId = uploadId });
            Assert.Equal([1], listed.Parts.Select(p => p.PartNumber ?? 0));
            var second = await s3.UploadPartAsync(new UploadPartRequest { BucketName = "mpu-restart", Key = "k", UploadId = uploadId, PartNumber = 2, InputStream = new MemoryStream(parts[1]) });
            etags.Add(new PartETag(2, second.ETag));
            await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = "mpu-restart", Key = "k", UploadId = uploadId, PartETags = etags });
            using var get = await s3.GetObjectAsync("mpu-restart", "k");
            using var m = new MemoryStream();
            await get.ResponseStream.CopyToAsync(m);
            Assert.Equal(parts.SelectMany(p => p).ToArray(), m.ToArray());
        }
    }

    private static async Task<JsonElement> UsageAsync(ServerProcess server, string bucket)
    {
        var result = await ProcessRunner.RunAsync(ServerProcess.CairnCommand("admin", "usage", "--bucket", bucket, "--json", "--endpoint", server.Endpoint));
        Assert.True(result.ExitCode == 0, result.ToString());
        return JsonDocument.Parse(result.Stdout).RootElement.GetProperty("buckets")[0].Clone();
    }

}
