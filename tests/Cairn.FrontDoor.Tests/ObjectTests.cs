using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using Cairn.Testing;

namespace Cairn.FrontDoor.Tests;

public sealed class ObjectTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private AmazonS3Client S3 => fixture.S3;

    [Fact]
    public async Task Content_MD5_mismatch_is_BadDigest_and_nothing_is_stored()
    {
        var bucket = await NewBucketAsync();
        using var http = new SignedHttp(fixture.Server);
        using var response = await http.SendAsync(HttpMethod.Put, $"/{bucket}/k", SignedHttp.Bytes("hello"u8.ToArray()),
            r => r.Content!.Headers.ContentMD5 = MD5.HashData("other"u8));
        Assert.Equal((400, "BadDigest"), await SignedHttp.ErrorOf(response));
        var e = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => S3.GetObjectMetadataAsync(bucket, "k"));
        Assert.Equal(HttpStatusCode.NotFound, e.StatusCode);
    }

    [Fact]
    public async Task Concurrent_large_puts_each_get_their_own_ETag_and_bytes()
    {
        // Six large bodies at once: the later ones hash in the shared MD5 lanes, the first alone.
        var bucket = await NewBucketAsync();
        var bodies = Enumerable.Range(0, 6).Select(i =>
        {
            var data = new byte[3 * 1024 * 1024 + 1000 * i + 7];
            new Random(i).NextBytes(data);
            return data;
        }).ToArray();
        var puts = await Task.WhenAll(bodies.Select(async (data, i) =>
        {
            using var http = new SignedHttp(fixture.Server);
            using var response = await http.SendAsync(HttpMethod.Put, $"/{bucket}/big-{i}", SignedHttp.Bytes(data),
                // The last one lies about its MD5: it alone must fail.
                r => r.Content!.Headers.ContentMD5 = i == 5 ? MD5.HashData(bodies[0]) : MD5.HashData(data));
            return (response.StatusCode, ETag: response.Headers.ETag?.Tag);
        }));
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, puts[i].StatusCode);
            Assert.Equal("\"" + Convert.ToHexStringLower(MD5.HashData(bodies[i])) + "\"", puts[i].ETag);
            using var get = await S3.GetObjectAsync(bucket, $"big-{i}");
            using var copy = new MemoryStream();
            await get.ResponseStream.CopyToAsync(copy);
            Assert.Equal(bodies[i], copy.ToArray());
        }
        Assert.Equal(HttpStatusCode.BadRequest, puts[5].StatusCode);
        var e = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => S3.GetObjectMetadataAsync(bucket, "big-5"));
        Assert.Equal(HttpStatusCode.NotFound, e.StatusCode);
    }

    [Fact]
    public async Task Malformed_Content_MD5_is_InvalidDigest()
    {
        var bucket = await NewBucketAsync();
        using var http = new SignedHttp(fixture.Server);
        using var response = await http.SendAsync(HttpMethod.Put, $"/{bucket}/k", SignedHttp.Bytes("hello"u8.ToArray()),
            r => r.Content!.Headers.TryAddWithoutValidation("Content-MD5", "not-base64!"));
        Assert.Equal((400, "InvalidDigest"), await SignedHttp.ErrorOf(response));
    }

    [Fact]
    public async Task Correct_Content_MD5_is_accepted()
    {
        var bucket = await NewBucketAsync();
        using var http = new SignedHttp(fixture.Server);
        using var response = await http.SendAsync(HttpMethod.Put, $"/{bucket}/k", SignedHttp.Bytes("hello"u8.ToArray()),
            r => r.Content!.Headers.ContentMD5 = MD5.HashData("hello"u8));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("x-amz-checksum-crc32", "AAAAAA==")]
    [InlineData("x-amz-checksum-sha256", "n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=")]
    [InlineData("x-amz-checksum-crc32c", "AAAAAA==")]
    [InlineData("x-amz-checksum-crc64nvme", "AAAAAAAAAAA=")]
    public async Task Wrong_checksum_header_is_BadDigest(string header, string wrongValue)
    {
        var bucket = await NewBucketAsync();
        using var http = new SignedHttp(fixture.Server);
        using var response = await http.SendAsync(HttpMethod.Put, $"/{bucket}/k", SignedHttp.Bytes("hello world"u8.ToArray()),
            r => r.Headers.TryAddWithoutValidation(header, wrongValue));
        Assert.Equal((400, "BadDigest"), await SignedHttp.ErrorOf(response));
    }

    [Theory]
    [InlineData("x-amz-checksum-crc32", "DUoRhQ==")]
    [InlineData("x-amz-checksum-crc32c", "yZRlqg==")]
    [InlineData("x-amz-checksum-sha1", "Kq5sNclPz7QV2+lfQIuc6R7oRu0=")]
    [InlineData("x-amz-checksum-sha256", "uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek=")]
    public async Task Correct_checksum_is_stored_and_returned_with_checksum_mode(string header, string value)
    {
        var bucket = await NewBucketAsync();
        using var http = new SignedHttp(fixture.Server);
        using var put = await http.SendAsync(HttpMethod.Put, $"/{bucket}/k", SignedHttp.Bytes("hello world"u8.ToArray()),
            r => r.Headers.TryAddWithoutValidation(header, value));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        using var get = await http.SendAsync(HttpMethod.Get, $"/{bucket}/k", configure: r => r.Headers.Add("x-amz-checksum-mode", "ENABLED"));
        Assert.Equal(value, get.Headers.GetValues(header).Single());
        using var plain = await http.SendAsync(HttpMethod.Get, $"/{bucket}/k");
        Assert.False(plain.Headers.Contains(header));
    }

    [Fact]
    public async Task Crc64nvme_matches_the_standard_check_value()
    {
        var bucket = await NewBucketAsync();
        using var http = new SignedHttp(fixture.Server);
        // CRC-64/NVME("123456789") = ae8b14860a799888
        var expected = Convert.ToBase64String(Convert.FromHexString("ae8b14860a799888"));
        using var put = await http.SendAsync(HttpMethod.Put, $"/{bucket}/k", SignedHttp.Bytes("123456789"u8.ToArray()),
            r => r.Headers.TryAddWithoutValidation("x-amz-checksum-crc64nvme", expected));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
    }

    [Fact]
    public async Task Key_longer_than_1024_bytes_is_KeyTooLongError()
    {
        var bucket = await NewBucketAsync();
        var e = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() =>
            S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = new string('k', 1025), ContentBody = "x" }));
        Assert.Equal("KeyTooLongError", e.ErrorCode);
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = new string('k', 1024), ContentBody = "x" });
    }

    [Fact]
    public async Task Body_over_5_GiB_is_EntityTooLarge_before_any_byte_is_read()
    {
        var bucket = await NewBucketAsync();
        // HttpClient cannot announce a body it will not send, so speak HTTP on a socket.
        var request = new HttpRequestMessage(HttpMethod.Put, $"{fixture.Server.Endpoint}/{bucket}/huge");
        Cairn.Auth.SigV4Signer.Sign(request, ServerProcess.AccessKey, ServerProcess.SecretKey, ServerProcess.Region, DateTimeOffset.UtcNow, payloadSha256Hex: "UNSIGNED-PAYLOAD");
        var head = new StringBuilder($"PUT /{bucket}/huge HTTP/1.1\r\nHost: 127.0.0.1:{fixture.Server.Port}\r\nContent-Length: {6L * 1024 * 1024 * 1024}\r\n");
        foreach (var h in request.Headers) head.Append($"{h.Key}: {string.Join(",", h.Value)}\r\n");
        head.Append("\r\n");
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", fixture.Server.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()));
        var buffer = new byte[4096];
        var n = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        var text = Encoding.UTF8.GetString(buffer, 0, n);
        Assert.StartsWith("HTTP/1.1 400", text);
        Assert.Contains("<Code>EntityTooLarge</Code>", text);
    }

    [Fact]
    public async Task Put_with_Content_Range_is_refused_because_objects_are_immutable()
    {
        var bucket = await NewBucketAsync();
        using var http = new SignedHttp(fixture.Server);
        using var response = await http.SendAsync(HttpMethod.Put, $"/{bucket}/k", SignedHttp.Bytes("abc"u8.ToArray()),
            r => r.Content!.Headers.TryAddWithoutValidation("Content-Range", "bytes 0-2/3"));
        Assert.Equal((501, "NotImplemented"), await SignedHttp.ErrorOf(response));
    }

    [Theory]
    [InlineData("bytes=0-9", 206, 0, 10)]
    [InlineData("bytes=10-", 206, 10, 90)]
    [InlineData("bytes=-5", 206, 95, 5)]
    [InlineData("bytes=90-200", 206, 90, 10)]
    [InlineData("bytes=0-0", 206, 0, 1)]
    [InlineData("bytes=abc", 200, 0, 100)]
    public async Task Range_get_returns_206_with_Content_Range(string range, int status, int first, int length)
    {
        var bucket = await NewBucketAsync();
        var data = RandomNumberGenerator.GetBytes(100);
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "r", InputStream = new MemoryStream(data) });
        using var http = new SignedHttp(fixture.Server);
        using var response = await http.SendAsync(HttpMethod.Get, $"/{bucket}/r", configure: r => r.Headers.TryAddWithoutValidation("Range", range));
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(data.AsSpan(first, length).ToArray(), await response.Content.ReadAsByteArrayAsync());
        if (status == 206) Assert.Equal($"bytes {first}-{first + length - 1}/100", response.Content.Headers.GetValues("Content-Range").Single());
    }

    [Fact]
    public async Task Ranges_of_a_large_blob_cross_block_boundaries_exactly()
    {
        var bucket = await NewBucketAsync();
        var data = RandomNumberGenerator.GetBytes(3 * 1024 * 1024 + 123);
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "big", InputStream = new MemoryStream(data) });
        foreach (var (first, last) in new[] { (65535L, 65536L), (0L, 1048576L * 2), (1048575L, 3145727L), (3145728L, 3145728L + 122) })
        {
            using var get = await S3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "big", ByteRange = new ByteRange(first, last) });
            using var m = new MemoryStream();
            await get.ResponseStream.CopyToAsync(m);
            Assert.Equal(data.AsSpan((int)first, (int)(last - first + 1)).ToArray(), m.ToArray());
        }
    }

    [Fact]
    public async Task Unsatisfiable_range_is_416_InvalidRange()
    {
        var bucket = await NewBucketAsync();
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "r", ContentBody = "0123456789" });
        using var http = new SignedHttp(fixture.Server);
        using var response = await http.SendAsync(HttpMethod.Get, $"/{bucket}/r", configure: r => r.Headers.TryAddWithoutValidation("Range", "bytes=10-20"));
        Assert.Equal((416, "InvalidRange"), await SignedHttp.ErrorOf(response));
    }

    [Fact]
    public async Task Conditional_gets_answer_412_and_304()
    {
        var bucket = await NewBucketAsync();
        var put = await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "c", ContentBody = "v1" });
        using var http = new SignedHttp(fixture.Server);
        async Task<int> Status(string header, string value)
        {
            using var r = await http.SendAsync(HttpMethod.Get, $"/{bucket}/c", configure: m => m.Headers.TryAddWithoutValidation(header, value));
            return (int)r.StatusCode;
        }
        var past = DateTimeOffset.UtcNow.AddDays(-1).ToString("R");
        var future = DateTimeOffset.UtcNow.AddDays(1).ToString("R");
        Assert.Equal(200, await Status("If-Match", put.ETag));
        Assert.Equal(412, await Status("If-Match", "\"0123\""));
        Assert.Equal(304, await Status("If-None-Match", put.ETag));
        Assert.Equal(200, await Status("If-None-Match", "\"0123\""));
        Assert.Equal(304, await Status("If-Modified-Since", future));
        Assert.Equal(200, await Status("If-Modified-Since", past));
        Assert.Equal(412, await Status("If-Unmodified-Since", past));
        Assert.Equal(200, await Status("If-Unmodified-Since", future));
    }

    [Fact]
    public async Task Delete_is_idempotent_and_answers_204()
    {
        var bucket = await NewBucketAsync();
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "d", ContentBody = "x" });
        var first = await S3.DeleteObjectAsync(bucket, "d");
        var second = await S3.DeleteObjectAsync(bucket, "d");
        Assert.Equal(HttpStatusCode.NoContent, first.HttpStatusCode);
        Assert.Equal(HttpStatusCode.NoContent, second.HttpStatusCode);
        var e = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => S3.GetObjectAsync(bucket, "d"));
        Assert.Equal("NoSuchKey", e.ErrorCode);
    }

    [Fact]
    public async Task Overwrite_replaces_the_object()
    {
        var bucket = await NewBucketAsync();
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "o", ContentBody = new string('a', 40_000) });
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "o", ContentBody = "second" });
        using var get = await S3.GetObjectAsync(bucket, "o");
        Assert.Equal("second", await new StreamReader(get.ResponseStream).ReadToEndAsync());
    }

    [Fact]
    public async Task Copy_keeps_or_replaces_metadata_by_directive()
    {
        var bucket = await NewBucketAsync();
        var put = new PutObjectRequest { BucketName = bucket, Key = "src key+with spaces&ü", ContentBody = new string('z', 50_000), ContentType = "text/plain" };
        put.Metadata.Add("origin", "source");
        await S3.PutObjectAsync(put);

        var copy = await S3.CopyObjectAsync(new CopyObjectRequest { SourceBucket = bucket, SourceKey = put.Key, DestinationBucket = bucket, DestinationKey = "copied" });
        var kept = await S3.GetObjectMetadataAsync(bucket, "copied");
        Assert.Equal("source", kept.Metadata["origin"]);
        Assert.Equal("text/plain", kept.Headers.ContentType);
        Assert.Equal(copy.ETag, kept.ETag);

        var replace = new CopyObjectRequest { SourceBucket = bucket, SourceKey = put.Key, DestinationBucket = bucket, DestinationKey = "replaced", MetadataDirective = S3MetadataDirective.REPLACE, ContentType = "application/x-new" };
        replace.Metadata.Add("origin", "replaced");
        await S3.CopyObjectAsync(replace);
        var replaced = await S3.GetObjectMetadataAsync(bucket, "replaced");
        Assert.Equal("replaced", replaced.Metadata["origin"]);
        Assert.Equal("application/x-new", replaced.Headers.ContentType);
        using var get = await S3.GetObjectAsync(bucket, "replaced");
        Assert.Equal(new string('z', 50_000), await new StreamReader(get.ResponseStream).ReadToEndAsync());
    }

    [Fact]
    public async Task Copy_onto_itself_needs_REPLACE()
    {
        var bucket = await NewBucketAsync();
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "self", ContentBody = "x" });
        var e = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => S3.CopyObjectAsync(bucket, "self", bucket, "self"));
        Assert.Equal("InvalidRequest", e.ErrorCode);
        var request = new CopyObjectRequest { SourceBucket = bucket, SourceKey = "self", DestinationBucket = bucket, DestinationKey = "self", MetadataDirective = S3MetadataDirective.REPLACE };
        request.Metadata.Add("touched", "yes");
        await S3.CopyObjectAsync(request);
        Assert.Equal("yes", (await S3.GetObjectMetadataAsync(bucket, "self")).Metadata["touched"]);
    }

    [Fact]
    public async Task Copy_source_conditions_fail_with_412()
    {
        var bucket = await NewBucketAsync();
        var put = await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "s", ContentBody = "x" });
        var cases = new Action<CopyObjectRequest>[]
        {
            r => r.ETagToMatch = "\"0000\"",
            r => r.ETagToNotMatch = put.ETag,
            r => r.ModifiedSinceDate = DateTime.UtcNow.AddDays(1),
            r => r.UnmodifiedSinceDate = DateTime.UtcNow.AddDays(-1),
        };
        foreach (var configure in cases)
        {
            var request = new CopyObjectRequest { SourceBucket = bucket, SourceKey = "s", DestinationBucket = bucket, DestinationKey = "d" };
            configure(request);
            var e = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => S3.CopyObjectAsync(request));
            Assert.Equal("PreconditionFailed", e.ErrorCode);
            Assert.Equal(HttpStatusCode.PreconditionFailed, e.StatusCode);
        }
        var ok = new CopyObjectRequest { SourceBucket = bucket, SourceKey = "s", DestinationBucket = bucket, DestinationKey = "d", ETagToMatch = put.ETag };
        await S3.CopyObjectAsync(ok);
    }

    [Fact]
    public async Task Copy_of_a_missing_source_is_NoSuchKey()
    {
        var bucket = await NewBucketAsync();
        var e = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => S3.CopyObjectAsync(bucket, "absent", bucket, "d"));
        Assert.Equal("NoSuchKey", e.ErrorCode);
    }

    [Theory]
    [InlineData("?torrent")]
    public async Task Unimplemented_object_operations_answer_501(string query)
    {
        var bucket = await NewBucketAsync();
        using var http = new SignedHttp(fixture.Server);
        using var response = await http.SendAsync(HttpMethod.Get, $"/{bucket}/k{query}");
        Assert.Equal((501, "NotImplemented"), await SignedHttp.ErrorOf(response));
    }

    private async Task<string> NewBucketAsync()
    {
        var name = ServerFixture.NewBucketName("obj");
        await S3.PutBucketAsync(name);
        return name;
    }
}
