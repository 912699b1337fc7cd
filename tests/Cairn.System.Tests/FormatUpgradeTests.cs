using System.Formats.Tar;
using System.IO.Compression;
using Amazon.S3;
using Amazon.S3.Model;
using Cairn.Testing;

namespace Cairn.System.Tests;

/// <summary>
/// A data directory written by the previous release (index format 1: table-first keys), made with that
/// release's own binary and boto3 (Fixtures/format1-data.tar.gz), opens in this one: every bucket, version,
/// delete marker, tag, upload in progress, part and lifecycle rule is there, and new writes sort after old ones.
/// </summary>
public sealed class FormatUpgradeTests
{
    [Fact]
    public async Task A_format_1_data_directory_is_upgraded_in_place_and_serves_everything_it_held()
    {
        var data = Path.Combine(Path.GetTempPath(), "cairn-format1-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(data);
        await using (var archive = new GZipStream(File.OpenRead(Path.Combine(AppContext.BaseDirectory, "Fixtures", "format1-data.tar.gz")), CompressionMode.Decompress))
            await TarFile.ExtractToDirectoryAsync(archive, data, overwriteFiles: true);
        await using var server = await ServerProcess.StartInAsync(data);
        for (var start = 0; start < 2; start++)
        {
            // Twice: the upgrade ran at the first start; the second start finds format 2 and must read the same.
            if (start == 1) await server.RestartAsync();
            using var s3 = server.Client();
            Assert.Equal(["plain", "versioned"], (await s3.ListBucketsAsync()).Buckets.Select(b => b.BucketName));
            Assert.Equal("small inline bytes", await ReadAsync(s3, "plain", "small.txt"));
            Assert.Equal(Enumerable.Range(0, 51_200).Select(i => (byte)(i % 256)), await ReadBytesAsync(s3, "plain", "dir/large.bin"));
            Assert.Equal(["dir/large.bin", "small.txt"], (await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = "plain" })).S3Objects.Select(o => o.Key));
            Assert.Equal("blue", Assert.Single((await s3.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = "plain", Key = "small.txt" })).Tagging).Value);

            var versions = (await s3.ListVersionsAsync(new ListVersionsRequest { BucketName = "versioned", Prefix = "k" })).Versions;
            Assert.Equal([true, false, false], versions.Select(v => v.IsDeleteMarker ?? false));
            Assert.Equal("version two", await ReadAsync(s3, "versioned", "k", versions[1].VersionId));
            Assert.Equal("version one", await ReadAsync(s3, "versioned", "k", versions[2].VersionId));
            Assert.Equal(new string('p', 30_000), await ReadAsync(s3, "versioned", "mp"));
            var upload = Assert.Single((await s3.ListMultipartUploadsAsync("versioned")).MultipartUploads);
            Assert.Equal("open/upload", upload.Key);
            Assert.Equal([1, 2], (await s3.ListPartsAsync("versioned", "open/upload", upload.UploadId)).Parts.Select(p => p.PartNumber ?? 0));
            Assert.Equal("old", Assert.Single((await s3.GetLifecycleConfigurationAsync("versioned")).Configuration.Rules).Id);
        }

        using (var s3 = server.Client())
        {
            // New writes sort after the old ones, and the upload completes over its old part 2 (part 1 is too small to be a first part).
            var put = await s3.PutObjectAsync(new PutObjectRequest { BucketName = "versioned", Key = "k", ContentBody = "version three" });
            var versions = (await s3.ListVersionsAsync(new ListVersionsRequest { BucketName = "versioned", Prefix = "k" })).Versions;
            Assert.Equal(put.VersionId, versions[0].VersionId);
            Assert.Equal("version three", await ReadAsync(s3, "versioned", "k"));
            var upload = Assert.Single((await s3.ListMultipartUploadsAsync("versioned")).MultipartUploads);
            var parts = (await s3.ListPartsAsync("versioned", "open/upload", upload.UploadId)).Parts;
            await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = "versioned", Key = "open/upload", UploadId = upload.UploadId, PartETags = [new PartETag(2, parts[1].ETag)],
            });
            Assert.Equal(new string('r', 100), await ReadAsync(s3, "versioned", "open/upload"));
            // References came through the upgrade: the unused part 1 and the deleted blob-backed object are freed,
            // and exactly the fragments of "mp" and of the completed upload's part 2 are left.
            await s3.DeleteObjectAsync("plain", "dir/large.bin");
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (server.FragmentFiles() != 2 && DateTime.UtcNow < deadline) await Task.Delay(200);
            Assert.Equal(2, server.FragmentFiles());
            Assert.Equal(new string('p', 30_000), await ReadAsync(s3, "versioned", "mp"));
        }
    }

    private static async Task<string> ReadAsync(IAmazonS3 s3, string bucket, string key, string? versionId = null) =>
        global::System.Text.Encoding.UTF8.GetString(await ReadBytesAsync(s3, bucket, key, versionId));

    private static async Task<byte[]> ReadBytesAsync(IAmazonS3 s3, string bucket, string key, string? versionId = null)
    {
        using var get = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key, VersionId = versionId });
        return await TestStreams.ReadAllBytesAsync(get.ResponseStream);
    }
}
