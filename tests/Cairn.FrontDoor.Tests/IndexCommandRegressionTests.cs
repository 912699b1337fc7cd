using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Amazon.S3;
using Amazon.S3.Model;
using Cairn.Testing;

namespace Cairn.FrontDoor.Tests;

/// <summary>
/// Regressions of the index's invariants, each over HTTP against a real server: bytes shared by a copy,
/// torn reads, racing bucket configuration, sequences under a clock that steps back, DeleteBucket with
/// uploads, retried completions. Each failed on the index that decided outcomes above the shard.
/// </summary>
public sealed class IndexCommandRegressionTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const int MiB = 1024 * 1024;
    private AmazonS3Client S3 => fixture.S3;

    [Fact]
    public async Task A_copy_of_a_multipart_object_keeps_its_bytes_after_the_source_is_deleted_and_collected()
    {
        var bucket = await NewBucketAsync();
        var parts = new[] { RandomNumberGenerator.GetBytes(5 * MiB), RandomNumberGenerator.GetBytes(MiB + 7) };
        await UploadMultipartAsync(bucket, "src", parts);
        await S3.CopyObjectAsync(bucket, "src", bucket, "dst");
        await S3.DeleteObjectAsync(bucket, "src");
        // The GC drains the free queue every 2 s: give it several passes to free what it (wrongly) could.
        await Task.Delay(TimeSpan.FromSeconds(6));
        using var get = await S3.GetObjectAsync(bucket, "dst");
        Assert.Equal(parts.SelectMany(p => p).ToArray(), await TestStreams.ReadAllBytesAsync(get.ResponseStream));
        // And once the copy goes too, nothing references the parts: their fragments are freed.
        var before = fixture.Server.FragmentFiles();
        await S3.DeleteObjectAsync(bucket, "dst");
        await WaitUntilAsync(() => fixture.Server.FragmentFiles() <= before - 2, "the shared parts are freed with their last owner");
    }

    [Fact]
    public async Task Overwrites_never_hide_the_key_from_a_get_or_a_listing()
    {
        var bucket = await NewBucketAsync();
        await PutAsync(bucket, "hot", "v0");
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(6));
        var writes = 0;
        var writers = Enumerable.Range(0, 3).Select(w => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                await PutAsync(bucket, "hot", $"w{w}-{i}");
                Interlocked.Increment(ref writes);
            }
        }));
        var misses = new List<string>();
        var reads = 0;
        var readers = Enumerable.Range(0, 3).Select(r => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var get = await S3.GetObjectAsync(bucket, "hot");
                    await TestStreams.ReadAllBytesAsync(get.ResponseStream);
                }
                catch (AmazonS3Exception e) { lock (misses) misses.Add("GET " + e.ErrorCode); }
                var list = await S3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
                if ((list.S3Objects ?? []).All(o => o.Key != "hot")) lock (misses) misses.Add("LIST without the key");
                Interlocked.Increment(ref reads);
            }
        }));
        await Task.WhenAll(writers.Concat(readers));
        Assert.True(writes > 50 && reads > 50, $"too little contention to mean anything: {writes} writes, {reads} reads");
        Assert.Empty(misses);
    }

    [Fact]
    public async Task Put_bucket_versioning_racing_delete_bucket_never_brings_the_bucket_back()
    {
        for (var round = 0; round < 25; round++)
        {
            var bucket = await NewBucketAsync();
            var versioning = Task.Run(async () =>
            {
                try
                {
                    await S3.PutBucketVersioningAsync(new PutBucketVersioningRequest
                    {
                        BucketName = bucket, VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled },
                    });
                }
                catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchBucket") { }
            });
            var delete = Task.Run(() => S3.DeleteBucketAsync(bucket));
            await Task.WhenAll(versioning, delete);
            var e = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => S3.GetBucketVersioningAsync(bucket));
            Assert.Equal("NoSuchBucket", e.ErrorCode);
        }
    }

    [Fact]
    public async Task Versions_written_after_the_clock_steps_back_are_still_the_newest()
    {
        await using var server = await ServerProcess.StartAsync();
        using (var s3 = server.Client())
        {
            await s3.PutBucketAsync("clock");
            await s3.PutBucketVersioningAsync(new PutBucketVersioningRequest
            {
                BucketName = "clock", VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled },
            });
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = "clock", Key = "k", ContentBody = "before" });
        }
        // Ten minutes back: within SigV4's allowed skew, far behind the sequences already assigned.
        await server.RestartAsync("--clock-offset", "-10m");
        using (var s3 = server.Client())
        {
            var after = await s3.PutObjectAsync(new PutObjectRequest { BucketName = "clock", Key = "k", ContentBody = "after" });
            var versions = (await s3.ListVersionsAsync("clock")).Versions;
            Assert.Equal(2, versions.Count);
            Assert.Equal(after.VersionId, versions[0].VersionId);
            Assert.True(versions[0].IsLatest);
            Assert.False(versions[1].IsLatest);
            using var get = await s3.GetObjectAsync("clock", "k");
            Assert.Equal("after", await new StreamReader(get.ResponseStream).ReadToEndAsync());
            // The older version is still found by its id.
            using var old = await s3.GetObjectAsync(new GetObjectRequest { BucketName = "clock", Key = "k", VersionId = versions[1].VersionId });
            Assert.Equal("before", await new StreamReader(old.ResponseStream).ReadToEndAsync());
        }
    }

    [Fact]
    public async Task Delete_bucket_takes_its_incomplete_uploads_and_frees_their_parts()
    {
        var bucket = await NewBucketAsync();
        var before = fixture.Server.FragmentFiles();
        var create = await S3.InitiateMultipartUploadAsync(bucket, "unfinished");
        await S3.UploadPartAsync(new UploadPartRequest
        {
            BucketName = bucket, Key = "unfinished", UploadId = create.UploadId, PartNumber = 1, InputStream = new MemoryStream(RandomNumberGenerator.GetBytes(MiB)),
        });
        Assert.True(fixture.Server.FragmentFiles() > before);

        var deleted = await S3.DeleteBucketAsync(bucket);
        Assert.Equal(HttpStatusCode.NoContent, deleted.HttpStatusCode);
        var gone = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => S3.ListMultipartUploadsAsync(bucket));
        Assert.Equal("NoSuchBucket", gone.ErrorCode);
        await WaitUntilAsync(() => fixture.Server.FragmentFiles() <= before, "the upload's part is freed with the bucket");

        // A bucket of the same name starts empty: no upload comes back.
        await S3.PutBucketAsync(bucket);
        Assert.Empty((await S3.ListMultipartUploadsAsync(bucket)).MultipartUploads ?? []);
    }

    [Fact]
    public async Task A_retried_complete_multipart_upload_answers_the_first_result()
    {
        var bucket = await NewBucketAsync();
        await S3.PutBucketVersioningAsync(new PutBucketVersioningRequest
        {
            BucketName = bucket, VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled },
        });
        var (uploadId, etags) = await StartMultipartAsync(bucket, "k", [RandomNumberGenerator.GetBytes(5 * MiB), RandomNumberGenerator.GetBytes(10)]);
        var request = new CompleteMultipartUploadRequest { BucketName = bucket, Key = "k", UploadId = uploadId, PartETags = etags };
        var first = await S3.CompleteMultipartUploadAsync(request);
        var retry = await S3.CompleteMultipartUploadAsync(request);
        Assert.Equal(HttpStatusCode.OK, retry.HttpStatusCode);
        Assert.Equal(first.ETag, retry.ETag);
        Assert.Equal(first.VersionId, retry.VersionId);
        Assert.Single((await S3.ListVersionsAsync(bucket)).Versions);
        // A different manifest is not a retry of that completion.
        var other = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => S3.CompleteMultipartUploadAsync(
            new CompleteMultipartUploadRequest { BucketName = bucket, Key = "k", UploadId = uploadId, PartETags = [etags[0]] }));
        Assert.Equal("NoSuchUpload", other.ErrorCode);
    }

    private async Task<string> NewBucketAsync()
    {
        var bucket = ServerFixture.NewBucketName("ix");
        await S3.PutBucketAsync(bucket);
        return bucket;
    }

    private Task PutAsync(string bucket, string key, string body) =>
        S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = body });

    private async Task UploadMultipartAsync(string bucket, string key, byte[][] parts)
    {
        var (uploadId, etags) = await StartMultipartAsync(bucket, key, parts);
        await S3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = bucket, Key = key, UploadId = uploadId, PartETags = etags });
    }

    private async Task<(string UploadId, List<PartETag> ETags)> StartMultipartAsync(string bucket, string key, byte[][] parts)
    {
        var create = await S3.InitiateMultipartUploadAsync(bucket, key);
        var etags = new List<PartETag>();
        for (var i = 0; i < parts.Length; i++)
        {
            var part = await S3.UploadPartAsync(new UploadPartRequest
            {
                BucketName = bucket, Key = key, UploadId = create.UploadId, PartNumber = i + 1, InputStream = new MemoryStream(parts[i]),
            });
            etags.Add(new PartETag(i + 1, part.ETag));
        }
        return (create.UploadId, etags);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"timed out waiting until {what}");
            await Task.Delay(200);
        }
    }
}
