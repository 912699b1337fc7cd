using System.Net;
using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.S3.Transfer;
using Cairn.Testing;

namespace Cairn.FrontDoor.Tests;

public sealed class MultipartTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const int MiB = 1024 * 1024;
    private AmazonS3Client S3 => fixture.S3;

    [Fact]
    public async Task Transfer_utility_uploads_in_parallel_parts_and_the_etag_is_md5_of_md5s()
    {
        var bucket = await NewBucketAsync();
        var data = RandomNumberGenerator.GetBytes(23 * MiB + 5);
        using var transfer = new TransferUtility(S3, new TransferUtilityConfig { ConcurrentServiceRequests = 4 });
        await transfer.UploadAsync(new TransferUtilityUploadRequest { BucketName = bucket, Key = "big", InputStream = new MemoryStream(data), PartSize = 5 * MiB });

        var head = await S3.GetObjectMetadataAsync(bucket, "big");
        Assert.Equal(ExpectedEtag(data, 5 * MiB), head.ETag);
        Assert.Equal(data.Length, head.ContentLength);
        using var get = await S3.GetObjectAsync(bucket, "big");
        Assert.Equal(data, await TestStreams.ReadAllBytesAsync(get.ResponseStream));
    }

    [Fact]
    public async Task Parts_are_listed_stitched_and_readable_by_part_number_and_across_boundaries()
    {
        var bucket = await NewBucketAsync();
        var parts = new[] { RandomNumberGenerator.GetBytes(5 * MiB), RandomNumberGenerator.GetBytes(5 * MiB), RandomNumberGenerator.GetBytes(1) };
        var create = await S3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = "k", ContentType = "application/x-parts" });
        var etags = new List<PartETag>();
        for (var i = 0; i < parts.Length; i++)
        {
            var up = await S3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "k", UploadId = create.UploadId, PartNumber = i + 1, InputStream = new MemoryStream(parts[i]) });
            Assert.Equal("\"" + Convert.ToHexStringLower(MD5.HashData(parts[i])) + "\"", up.ETag);
            etags.Add(new PartETag(i + 1, up.ETag));
        }
        var listed = await S3.ListPartsAsync(new ListPartsRequest { BucketName = bucket, Key = "k", UploadId = create.UploadId, MaxParts = 2 });
        Assert.Equal([1, 2], listed.Parts.Select(p => p.PartNumber ?? 0));
        Assert.True(listed.IsTruncated);
        var rest = await S3.ListPartsAsync(new ListPartsRequest { BucketName = bucket, Key = "k", UploadId = create.UploadId, PartNumberMarker = listed.NextPartNumberMarker?.ToString() });
        Assert.Equal([3], rest.Parts.Select(p => p.PartNumber ?? 0));

        var complete = await S3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = bucket, Key = "k", UploadId = create.UploadId, PartETags = etags });
        var whole = parts.SelectMany(p => p).ToArray();
        Assert.Equal(ExpectedEtag(parts), complete.ETag);

        using (var part2 = await S3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "k", PartNumber = 2 }))
        {
            Assert.Equal(parts[1], await TestStreams.ReadAllBytesAsync(part2.ResponseStream));
            Assert.Equal(3, part2.PartsCount);
        }
        using (var across = await S3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "k", ByteRange = new ByteRange(5 * MiB - 10, 10 * MiB) }))
            Assert.Equal(whole.AsSpan(5 * MiB - 10, 5 * MiB + 11).ToArray(), await TestStreams.ReadAllBytesAsync(across.ResponseStream));
        var head = await S3.GetObjectMetadataAsync(bucket, "k");
        Assert.Equal("application/x-parts", head.Headers.ContentType);
        Assert.Empty((await S3.ListMultipartUploadsAsync(bucket)).MultipartUploads ?? []);
    }

    [Fact]
    public async Task Parts_out_of_order_are_InvalidPartOrder()
    {
        var (bucket, uploadId, etags) = await UploadPartsAsync(5 * MiB, 5 * MiB);
        // The SDK sorts the manifest itself, so send the XML as written.
        var xml = $"<CompleteMultipartUpload><Part><PartNumber>2</PartNumber><ETag>{etags[1].ETag}</ETag></Part><Part><PartNumber>1</PartNumber><ETag>{etags[0].ETag}</ETag></Part></CompleteMultipartUpload>";
        using var http = new SignedHttp(fixture.Server);
        using var response = await http.SendAsync(HttpMethod.Post, $"/{bucket}/k?uploadId={uploadId}", SignedHttp.Bytes(System.Text.Encoding.UTF8.GetBytes(xml)));
        Assert.Equal((400, "InvalidPartOrder"), await SignedHttp.ErrorOf(response));
    }

    [Fact]
    public async Task A_wrong_part_etag_or_a_missing_part_is_InvalidPart()
    {
        var (bucket, uploadId, etags) = await UploadPartsAsync(5 * MiB, 10);
        var wrong = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => S3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket, Key = "k", UploadId = uploadId, PartETags = [etags[0], new PartETag(2, "\"00000000000000000000000000000000\"")],
        }));
        Assert.Equal("InvalidPart", wrong.ErrorCode);
        var missing = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => S3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket, Key = "k", UploadId = uploadId, PartETags = [etags[0], new PartETag(7, etags[1].ETag)],
        }));
        Assert.Equal("InvalidPart", missing.ErrorCode);
    }

    [Fact]
    public async Task A_small_part_before_the_last_is_EntityTooSmall()
    {
        var (bucket, uploadId, etags) = await UploadPartsAsync(1 * MiB, 5 * MiB);
        var e = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => S3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket, Key = "k", UploadId = uploadId, PartETags = etags,
        }));
        Assert.Equal("EntityTooSmall", e.ErrorCode);
    }

    [Fact]
    public async Task Abort_makes_the_upload_unknown_and_completing_it_is_NoSuchUpload()
    {
        var (bucket, uploadId, etags) = await UploadPartsAsync(10);
        await S3.AbortMultipartUploadAsync(bucket, "k", uploadId);
        var e = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => S3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket, Key = "k", UploadId = uploadId, PartETags = etags,
        }));
        Assert.Equal("NoSuchUpload", e.ErrorCode);
        Assert.Equal(HttpStatusCode.NotFound, e.StatusCode);
        var again = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => S3.AbortMultipartUploadAsync(bucket, "k", uploadId));
        Assert.Equal("NoSuchUpload", again.ErrorCode);
    }

    [Fact]
    public async Task An_incomplete_upload_is_invisible_to_get_and_list()
    {
        var (bucket, _, _) = await UploadPartsAsync(10);
        var e = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => S3.GetObjectAsync(bucket, "k"));
        Assert.Equal("NoSuchKey", e.ErrorCode);
        Assert.Empty((await S3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects ?? []);
    }

    [Fact]
    public async Task Uploading_a_part_number_again_replaces_it()
    {
        var bucket = await NewBucketAsync();
        var create = await S3.InitiateMultipartUploadAsync(bucket, "k");
        await S3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "k", UploadId = create.UploadId, PartNumber = 1, InputStream = new MemoryStream("first"u8.ToArray()) });
        var second = await S3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "k", UploadId = create.UploadId, PartNumber = 1, InputStream = new MemoryStream("second"u8.ToArray()) });
        await S3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = bucket, Key = "k", UploadId = create.UploadId, PartETags = [new PartETag(1, second.ETag)] });
        using var get = await S3.GetObjectAsync(bucket, "k");
        Assert.Equal("second", await new StreamReader(get.ResponseStream).ReadToEndAsync());
    }

    [Fact]
    public async Task List_multipart_uploads_pages_by_key_and_upload_id()
    {
        var bucket = await NewBucketAsync();
        var ids = new List<(string Key, string UploadId)>();
        foreach (var key in new[] { "a/1", "a/2", "b", "b", "c" })
            ids.Add((key, (await S3.InitiateMultipartUploadAsync(bucket, key)).UploadId));
        var seen = new List<(string, string)>();
        var request = new ListMultipartUploadsRequest { BucketName = bucket, MaxUploads = 2 };
        while (true)
        {
            var page = await S3.ListMultipartUploadsAsync(request);
            seen.AddRange(page.MultipartUploads.Select(u => (u.Key, u.UploadId)));
            if (page.IsTruncated != true) break;
            (request.KeyMarker, request.UploadIdMarker) = (page.NextKeyMarker, page.NextUploadIdMarker);
        }
        Assert.Equal(ids, seen);
        var rolled = await S3.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = bucket, Delimiter = "/" });
        Assert.Equal(["a/"], rolled.CommonPrefixes);
        Assert.Equal(3, rolled.MultipartUploads.Count);
    }

    [Fact]
    public async Task Upload_part_copy_copies_a_byte_range_of_another_object()
    {
        var bucket = await NewBucketAsync();
        var source = RandomNumberGenerator.GetBytes(6 * MiB);
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "src", InputStream = new MemoryStream(source) });
        var create = await S3.InitiateMultipartUploadAsync(bucket, "dst");
        var p1 = await S3.CopyPartAsync(new CopyPartRequest { SourceBucket = bucket, SourceKey = "src", DestinationBucket = bucket, DestinationKey = "dst", UploadId = create.UploadId, PartNumber = 1, FirstByte = 0, LastByte = 5 * MiB - 1 });
        var p2 = await S3.CopyPartAsync(new CopyPartRequest { SourceBucket = bucket, SourceKey = "src", DestinationBucket = bucket, DestinationKey = "dst", UploadId = create.UploadId, PartNumber = 2, FirstByte = 100, LastByte = 199 });
        await S3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = bucket, Key = "dst", UploadId = create.UploadId, PartETags = [new PartETag(1, p1.ETag), new PartETag(2, p2.ETag)] });
        byte[] expected = [.. source.AsSpan(0, 5 * MiB), .. source.AsSpan(100, 100)];
        using var get = await S3.GetObjectAsync(bucket, "dst");
        Assert.Equal(expected, await TestStreams.ReadAllBytesAsync(get.ResponseStream));
    }

    [Fact]
    public async Task Part_checksums_are_verified_and_the_object_reports_a_composite_checksum()
    {
        var bucket = await NewBucketAsync();
        var create = await S3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = "ck", ChecksumAlgorithm = ChecksumAlgorithm.SHA256 });
        var data = new[] { RandomNumberGenerator.GetBytes(5 * MiB), RandomNumberGenerator.GetBytes(100) };
        var etags = new List<PartETag>();
        for (var i = 0; i < 2; i++)
        {
            var up = await S3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "ck", UploadId = create.UploadId, PartNumber = i + 1, InputStream = new MemoryStream(data[i]), ChecksumAlgorithm = ChecksumAlgorithm.SHA256 });
            Assert.Equal(Convert.ToBase64String(SHA256.HashData(data[i])), up.ChecksumSHA256);
            etags.Add(new PartETag(i + 1, up.ETag) { ChecksumSHA256 = up.ChecksumSHA256 });
        }
        var complete = await S3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = bucket, Key = "ck", UploadId = create.UploadId, PartETags = etags });
        var composite = Convert.ToBase64String(SHA256.HashData([.. SHA256.HashData(data[0]), .. SHA256.HashData(data[1])])) + "-2";
        Assert.Equal(composite, complete.ChecksumSHA256);

        using var http = new SignedHttp(fixture.Server);
        using var bad = await http.SendAsync(HttpMethod.Put, $"/{bucket}/ck?partNumber=1&uploadId=whatever", SignedHttp.Bytes([1, 2, 3]),
            r => r.Headers.TryAddWithoutValidation("x-amz-checksum-sha256", Convert.ToBase64String(SHA256.HashData([9]))));
        Assert.Equal(HttpStatusCode.NotFound, bad.StatusCode); // unknown upload id
        var again = await S3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = "ck2", ChecksumAlgorithm = ChecksumAlgorithm.SHA256 });
        using var mismatch = await http.SendAsync(HttpMethod.Put, $"/{bucket}/ck2?partNumber=1&uploadId={again.UploadId}", SignedHttp.Bytes([1, 2, 3]),
            r => r.Headers.TryAddWithoutValidation("x-amz-checksum-sha256", Convert.ToBase64String(SHA256.HashData([9]))));
        Assert.Equal((400, "BadDigest"), await SignedHttp.ErrorOf(mismatch));
    }

    [Fact]
    public async Task A_full_object_crc_upload_reports_the_crc_of_the_whole_object()
    {
        var bucket = await NewBucketAsync();
        var create = await S3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
        {
            BucketName = bucket, Key = "full", ChecksumAlgorithm = ChecksumAlgorithm.CRC32, ChecksumType = ChecksumType.FULL_OBJECT,
        });
        var data = new[] { RandomNumberGenerator.GetBytes(5 * MiB), RandomNumberGenerator.GetBytes(4321) };
        var etags = new List<PartETag>();
        for (var i = 0; i < 2; i++)
        {
            var up = await S3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "full", UploadId = create.UploadId, PartNumber = i + 1, InputStream = new MemoryStream(data[i]), ChecksumAlgorithm = ChecksumAlgorithm.CRC32 });
            etags.Add(new PartETag(i + 1, up.ETag) { ChecksumCRC32 = up.ChecksumCRC32 });
        }
        var complete = await S3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = bucket, Key = "full", UploadId = create.UploadId, PartETags = etags });
        var whole = new System.IO.Hashing.Crc32();
        foreach (var d in data) whole.Append(d);
        var expected = Convert.ToBase64String(BitConverter.GetBytes(whole.GetCurrentHashAsUInt32()).Reverse().ToArray());
        Assert.Equal(expected, complete.ChecksumCRC32);
        using var get = await S3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "full", ChecksumMode = ChecksumMode.ENABLED });
        Assert.Equal(expected, get.ChecksumCRC32);
        var joined = data[0].Concat(data[1]).ToArray();
        Assert.Equal(joined, await TestStreams.ReadAllBytesAsync(get.ResponseStream));
    }

    [Fact]
    public async Task Complete_on_a_versioned_bucket_makes_a_new_version()
    {
        var bucket = await NewBucketAsync();
        await S3.PutBucketVersioningAsync(new PutBucketVersioningRequest { BucketName = bucket, VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled } });
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "old" });
        var create = await S3.InitiateMultipartUploadAsync(bucket, "k");
        var up = await S3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "k", UploadId = create.UploadId, PartNumber = 1, InputStream = new MemoryStream("new"u8.ToArray()) });
        var complete = await S3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = bucket, Key = "k", UploadId = create.UploadId, PartETags = [new PartETag(1, up.ETag)] });
        Assert.NotNull(complete.VersionId);
        Assert.Equal(2, (await S3.ListVersionsAsync(bucket)).Versions.Count);
    }

    [Fact]
    public async Task Complete_racing_abort_leaves_a_whole_object_or_nothing()
    {
        for (var round = 0; round < 10; round++)
        {
            var (bucket, uploadId, etags) = await UploadPartsAsync(5 * MiB, 1000);
            var complete = Task.Run(() => S3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = bucket, Key = "k", UploadId = uploadId, PartETags = etags }));
            var abort = Task.Run(() => S3.AbortMultipartUploadAsync(bucket, "k", uploadId));
            var completed = await Succeeds(complete);
            var aborted = await Succeeds(abort);
            Assert.True(completed ^ aborted, "exactly one of complete and abort wins");
            if (completed)
            {
                using var get = await S3.GetObjectAsync(bucket, "k");
                Assert.Equal(5 * MiB + 1000, (await TestStreams.ReadAllBytesAsync(get.ResponseStream)).Length);
            }
            else Assert.Empty((await S3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects ?? []);
        }
    }

    private static async Task<bool> Succeeds(Task task)
    {
        try { await task; return true; }
        catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchUpload") { return false; }
    }

    private async Task<(string Bucket, string UploadId, List<PartETag> ETags)> UploadPartsAsync(params int[] sizes)
    {
        var bucket = await NewBucketAsync();
        var create = await S3.InitiateMultipartUploadAsync(bucket, "k");
        var etags = new List<PartETag>();
        for (var i = 0; i < sizes.Length; i++)
        {
            var up = await S3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "k", UploadId = create.UploadId, PartNumber = i + 1, InputStream = new MemoryStream(RandomNumberGenerator.GetBytes(sizes[i])) });
            etags.Add(new PartETag(i + 1, up.ETag));
        }
        return (bucket, create.UploadId, etags);
    }

    /// <summary>The md5-of-md5s-N ETag computed independently of the server.</summary>
    private static string ExpectedEtag(byte[] data, int partSize) =>
        ExpectedEtag(data.Chunk(partSize).ToArray());

    private static string ExpectedEtag(byte[][] parts) =>
        $"\"{Convert.ToHexStringLower(MD5.HashData(parts.SelectMany(p => MD5.HashData(p)).ToArray()))}-{parts.Length}\"";

    private async Task<string> NewBucketAsync()
    {
        var name = ServerFixture.NewBucketName("mpu");
        await S3.PutBucketAsync(name);
        return name;
    }

}
