using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;
using Cairn.Testing;
using Xunit.Abstractions;

namespace Cairn.System.Tests;

/// <summary>
/// kill -9 while the index applies the commands that touch the most rows at once — CompleteMultipartUpload
/// and DeleteBucket with uploads in progress. Each is one atomic change: after the restart it happened
/// whole or not at all, an acknowledged one happened, and no part's bytes are lost or left behind.
/// </summary>
public sealed class CrashDuringCommandsTests(ITestOutputHelper output)
{
    private const int MiB = 1024 * 1024;

    [Fact]
    public async Task Complete_multipart_upload_is_whole_or_absent_after_kill_9()
    {
        await using var server = await ServerProcess.StartAsync("--gc-grace", "00:00:01", "--gc-interval", "00:00:01");
        using (var setup = server.Client()) await setup.PutBucketAsync("complete");
        var random = new Random(Environment.TickCount);
        var completedBeforeKill = 0;
        var uploads = new List<PendingUpload>();
        for (var round = 0; round < 3; round++)
        {
            using (var s3 = server.Client())
                for (var i = 0; i < 8; i++)
                    uploads.Add(await StartAsync(s3, "complete", $"r{round}/o{i}"));
            var open = uploads.Where(u => !u.Acknowledged).ToList();
            using (var s3 = server.Client(c => c.Timeout = TimeSpan.FromSeconds(30)))
            {
                var completing = open.Select(u => Task.Run(async () =>
                {
                    try
                    {
                        var result = await s3.CompleteMultipartUploadAsync(u.Request());
                        u.ETag = result.ETag;
                        u.Acknowledged = true;
                    }
                    catch (Exception) { } // the server died under it: its outcome is unknown
                })).ToArray();
                await Task.Delay(random.Next(0, 40));
                server.Kill();
                await Task.WhenAll(completing);
            }
            completedBeforeKill += open.Count(u => u.Acknowledged);
            await server.StartProcessAsync();
            using var check = server.Client();
            foreach (var upload in open) await CheckWholeOrAbsentAsync(check, upload);
        }
        output.WriteLine($"{completedBeforeKill} of {uploads.Count} completions acknowledged before a kill");

        // Finish what the kills interrupted; every object is then whole, and only the parts they use keep bytes.
        using (var s3 = server.Client())
        {
            foreach (var upload in uploads.Where(u => !u.Acknowledged))
            {
                upload.ETag = (await s3.CompleteMultipartUploadAsync(upload.Request())).ETag;
                upload.Acknowledged = true;
            }
            foreach (var upload in uploads) await CheckWholeOrAbsentAsync(s3, upload);
            Assert.Empty((await s3.ListMultipartUploadsAsync("complete")).MultipartUploads ?? []);
        }
        await WaitForFragmentsAsync(server, uploads.Count * 2);
    }

    [Fact]
    public async Task Delete_bucket_with_uploads_is_whole_or_absent_after_kill_9()
    {
        await using var server = await ServerProcess.StartAsync("--gc-grace", "00:00:01", "--gc-interval", "00:00:01");
        var random = new Random(Environment.TickCount);
        var deleted = 0;
        for (var round = 0; round < 4; round++)
        {
            var bucket = $"doomed-{round}";
            var uploads = new List<PendingUpload>();
            using (var s3 = server.Client())
            {
                await s3.PutBucketAsync(bucket);
                for (var i = 0; i < 6; i++) uploads.Add(await StartAsync(s3, bucket, $"k{i}", firstPart: MiB));
            }
            var acknowledged = false;
            using (var s3 = server.Client(c => c.Timeout = TimeSpan.FromSeconds(30)))
            {
                var delete = Task.Run(async () =>
                {
                    try { await s3.DeleteBucketAsync(bucket); acknowledged = true; }
                    catch (Exception) { }
                });
                await Task.Delay(random.Next(0, 15));
                server.Kill();
                await delete;
            }
            await server.StartProcessAsync();
            using var check = server.Client();
            bool exists;
            try { await check.GetBucketVersioningAsync(bucket); exists = true; }
            catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchBucket") { exists = false; }
            Assert.False(acknowledged && exists, "an acknowledged DeleteBucket was undone by kill -9");
            if (exists)
            {
                // Not deleted: every upload and every part is still there, and the delete can be done now.
                var listed = (await check.ListMultipartUploadsAsync(bucket)).MultipartUploads;
                Assert.Equal(uploads.Select(u => u.UploadId).Order(), listed.Select(u => u.UploadId).Order());
                foreach (var upload in uploads)
                    Assert.Equal(2, (await check.ListPartsAsync(bucket, upload.Key, upload.UploadId)).Parts.Count);
                await check.DeleteBucketAsync(bucket);
            }
            else deleted++;
            // Either way the bucket is gone now, and so are its parts' bytes: nothing orphaned, nothing kept.
            await WaitForFragmentsAsync(server, 0);
        }
        output.WriteLine($"{deleted} of 4 DeleteBucket commands had landed when the server was killed");
    }

    private static async Task CheckWholeOrAbsentAsync(AmazonS3Client s3, PendingUpload upload)
    {
        var uploads = (await s3.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = upload.Bucket, Prefix = upload.Key })).MultipartUploads ?? [];
        var stillOpen = uploads.Any(u => u.UploadId == upload.UploadId);
        try
        {
            using var get = await s3.GetObjectAsync(upload.Bucket, upload.Key);
            Assert.False(stillOpen, $"{upload.Key} is both an object and an upload in progress");
            Assert.Equal(upload.Body, await TestStreams.ReadAllBytesAsync(get.ResponseStream));
            // A retry of the completion, after the crash too, answers as the first did.
            var retry = await s3.CompleteMultipartUploadAsync(upload.Request());
            Assert.Equal(get.ETag, retry.ETag);
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchKey")
        {
            Assert.False(upload.Acknowledged, $"acknowledged completion of {upload.Key} was lost");
            Assert.True(stillOpen, $"{upload.Key} is neither an object nor an upload in progress");
            Assert.Equal(2, (await s3.ListPartsAsync(upload.Bucket, upload.Key, upload.UploadId)).Parts.Count);
        }
    }

    private static async Task<PendingUpload> StartAsync(AmazonS3Client s3, string bucket, string key, int firstPart = 5 * MiB)
    {
        var parts = new[] { RandomNumberGenerator.GetBytes(firstPart), RandomNumberGenerator.GetBytes(20_000) };
        var create = await s3.InitiateMultipartUploadAsync(bucket, key);
        var etags = new List<PartETag>();
        for (var i = 0; i < parts.Length; i++)
        {
            var part = await s3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = key, UploadId = create.UploadId, PartNumber = i + 1, InputStream = new MemoryStream(parts[i]) });
            etags.Add(new PartETag(i + 1, part.ETag));
        }
        return new PendingUpload(bucket, key, create.UploadId, etags, [.. parts[0], .. parts[1]]);
    }

    private static async Task WaitForFragmentsAsync(ServerProcess server, int expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        int fragments;
        while ((fragments = server.FragmentFiles()) != expected && DateTime.UtcNow < deadline) await Task.Delay(250);
        Assert.Equal(expected, fragments);
    }

    private sealed record PendingUpload(string Bucket, string Key, string UploadId, List<PartETag> ETags, byte[] Body)
    {
        public bool Acknowledged { get; set; }
        public string? ETag { get; set; }

        public CompleteMultipartUploadRequest Request() => new() { BucketName = Bucket, Key = Key, UploadId = UploadId, PartETags = ETags };
    }
}
