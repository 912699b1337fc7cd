using System.Security.Cryptography;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using Cairn.Testing;

namespace Cairn.FrontDoor.Tests;

/// <summary>Round trips through AWSSDK.S3 v4, with its defaults and with payload signing variants.</summary>
public sealed class SdkRoundTripTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private AmazonS3Client S3 => fixture.S3;

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(16 * 1024)]
    [InlineData(16 * 1024 + 1)]
    [InlineData(100_000)]
    [InlineData(3 * 1024 * 1024 + 17)]
    public async Task Put_then_get_returns_the_same_bytes_and_md5_etag_with_sdk_defaults(int size)
    {
        var bucket = await NewBucketAsync();
        var data = RandomNumberGenerator.GetBytes(size);
        var put = await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "obj", InputStream = new MemoryStream(data) });
        Assert.Equal("\"" + Convert.ToHexStringLower(MD5.HashData(data)) + "\"", put.ETag);

        using var get = await S3.GetObjectAsync(bucket, "obj");
        Assert.Equal(data, await TestStreams.ReadAllBytesAsync(get.ResponseStream));
        Assert.Equal(put.ETag, get.ETag);
        Assert.Equal(size, get.ContentLength);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Put_works_with_and_without_chunk_encoding(bool useChunkEncoding)
    {
        var bucket = await NewBucketAsync();
        var data = RandomNumberGenerator.GetBytes(200_000);
        await S3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket,
            Key = "k",
            InputStream = new MemoryStream(data),
            UseChunkEncoding = useChunkEncoding,
        });
        using var get = await S3.GetObjectAsync(bucket, "k");
        Assert.Equal(data, await TestStreams.ReadAllBytesAsync(get.ResponseStream));
    }

    [Fact]
    public async Task Put_with_checksums_when_required_only_sends_signed_chunks_without_trailer()
    {
        using var client = fixture.Server.Client(c => c.RequestChecksumCalculation = Amazon.Runtime.RequestChecksumCalculation.WHEN_REQUIRED);
        var bucket = await NewBucketAsync();
        await client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "hello world" });
        using var get = await client.GetObjectAsync(bucket, "k");
        Assert.Equal("hello world", await new StreamReader(get.ResponseStream).ReadToEndAsync());
    }

    [Fact]
    public async Task Metadata_and_standard_headers_are_kept_and_returned()
    {
        var bucket = await NewBucketAsync();
        var request = new PutObjectRequest { BucketName = bucket, Key = "m", ContentBody = "x", ContentType = "text/x-test" };
        request.Metadata.Add("color", "blue");
        request.Headers.ContentDisposition = "attachment; filename=\"x.txt\"";
        request.Headers.CacheControl = "max-age=60";
        request.Headers.ContentEncoding = "identity";
        await S3.PutObjectAsync(request);
        var head = await S3.GetObjectMetadataAsync(bucket, "m");
        Assert.Equal("text/x-test", head.Headers.ContentType);
        Assert.Equal("blue", head.Metadata["color"]);
        Assert.Equal("attachment; filename=\"x.txt\"", head.Headers.ContentDisposition);
        Assert.Equal("max-age=60", head.Headers.CacheControl);
        Assert.Equal("identity", head.Headers.ContentEncoding);
    }

    [Fact]
    public async Task Sdk_default_crc32_checksum_is_stored_and_returned_in_checksum_mode()
    {
        var bucket = await NewBucketAsync();
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "c", ContentBody = "hello world" });
        using var get = await S3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "c", ChecksumMode = ChecksumMode.ENABLED });
        Assert.Equal("DUoRhQ==", get.ChecksumCRC32);
    }

    private async Task<string> NewBucketAsync()
    {
        var name = ServerFixture.NewBucketName("sdk");
        await S3.PutBucketAsync(name);
        return name;
    }

}
