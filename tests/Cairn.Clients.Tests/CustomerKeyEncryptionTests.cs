using System.Net;
using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;
using Cairn.Testing;

namespace Cairn.Clients.Tests;

/// <summary>
/// SSE-C over HTTPS, as S3 requires: the customer's key travels with every request and is never stored; the object reads
/// back whole and by range only with that key (403 with another, 400 without), through multipart uploads and copies;
/// the AWS CLI's --sse-c and --sse work against it.
/// </summary>
public sealed class CustomerKeyEncryptionTests(TlsServerFixture fixture) : IClassFixture<TlsServerFixture>, IDisposable
{
    private readonly TempDir temp = new("cairn-sse-c");
    private readonly byte[] key = RandomNumberGenerator.GetBytes(32);
    private readonly byte[] otherKey = RandomNumberGenerator.GetBytes(32);

    public void Dispose() => temp.Dispose();

    private AmazonS3Client S3 => fixture.S3;

    [Fact]
    public async Task An_SSE_C_object_reads_back_whole_and_by_range_only_with_its_key()
    {
        var bucket = await fixture.NewBucketAsync("sse-c");
        var data = RandomNumberGenerator.GetBytes(200_000);
        var put = await S3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket, Key = "k", InputStream = new MemoryStream(data),
            ServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256, ServerSideEncryptionCustomerProvidedKey = Convert.ToBase64String(key),
        });
        Assert.Equal(ServerSideEncryptionCustomerMethod.AES256, put.ServerSideEncryptionCustomerMethod);
        Assert.Equal(Md5Of(key), put.ServerSideEncryptionCustomerProvidedKeyMD5);

        using (var get = await S3.GetObjectAsync(WithKey(new GetObjectRequest { BucketName = bucket, Key = "k" }, key)))
        {
            Assert.Equal(ServerSideEncryptionCustomerMethod.AES256, get.ServerSideEncryptionCustomerMethod);
            Assert.Equal(Md5Of(key), get.ServerSideEncryptionCustomerProvidedKeyMD5);
            Assert.Equal(data, await get.ResponseStream.ReadAllBytesAsync());
        }
        using (var range = await S3.GetObjectAsync(WithKey(new GetObjectRequest { BucketName = bucket, Key = "k", ByteRange = new ByteRange(65_000, 140_000) }, key)))
            Assert.Equal(data[65_000..140_001], await range.ResponseStream.ReadAllBytesAsync());
        var head = await S3.GetObjectMetadataAsync(new GetObjectMetadataRequest
        {
            BucketName = bucket, Key = "k", ServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256,
            ServerSideEncryptionCustomerProvidedKey = Convert.ToBase64String(key),
        });
        Assert.Equal(data.Length, head.ContentLength);

        var wrong = await Assert.ThrowsAsync<AmazonS3Exception>(() => S3.GetObjectAsync(WithKey(new GetObjectRequest { BucketName = bucket, Key = "k" }, otherKey)));
        Assert.Equal((HttpStatusCode.Forbidden, "AccessDenied"), (wrong.StatusCode, wrong.ErrorCode));
        var missing = await Assert.ThrowsAsync<AmazonS3Exception>(() => S3.GetObjectAsync(bucket, "k"));
        Assert.Equal((HttpStatusCode.BadRequest, "InvalidRequest"), (missing.StatusCode, missing.ErrorCode));
        var headWrong = await Assert.ThrowsAsync<AmazonS3Exception>(() => S3.GetObjectMetadataAsync(new GetObjectMetadataRequest
        {
            BucketName = bucket, Key = "k", ServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256,
            ServerSideEncryptionCustomerProvidedKey = Convert.ToBase64String(otherKey),
        }));
        Assert.Equal(HttpStatusCode.Forbidden, headWrong.StatusCode);
    }

    [Fact]
    public async Task An_SSE_C_ETag_is_not_the_MD5_of_the_data_and_conditions_use_it()
    {
        var bucket = await fixture.NewBucketAsync("sse-c-etag");
        var data = RandomNumberGenerator.GetBytes(1000);
        var md5 = "\"" + Convert.ToHexStringLower(MD5.HashData(data)) + "\"";
        var put = await S3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket, Key = "k", InputStream = new MemoryStream(data), MD5Digest = Convert.ToBase64String(MD5.HashData(data)),
            ServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256, ServerSideEncryptionCustomerProvidedKey = Convert.ToBase64String(key),
        });
        Assert.Matches("^\"[0-9a-f]{32}\"$", put.ETag);
        Assert.NotEqual(md5, put.ETag);
        // A listing, which needs no key, shows no digest of the plaintext.
        Assert.Equal(put.ETag, Assert.Single((await S3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects).ETag);

        using (var matched = await S3.GetObjectAsync(WithKey(new GetObjectRequest { BucketName = bucket, Key = "k", EtagToMatch = put.ETag }, key)))
        {
            Assert.Equal(put.ETag, matched.ETag);
            Assert.Equal(data, await matched.ResponseStream.ReadAllBytesAsync());
        }
        var byMd5 = await Assert.ThrowsAsync<AmazonS3Exception>(() => S3.GetObjectAsync(WithKey(new GetObjectRequest { BucketName = bucket, Key = "k", EtagToMatch = md5 }, key)));
        Assert.Equal(HttpStatusCode.PreconditionFailed, byMd5.StatusCode);

        // Copied to SSE-S3 with the source's ETag as a condition, the copy's ETag is the data's MD5 again.
        var copy = await S3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = bucket, SourceKey = "k", DestinationBucket = bucket, DestinationKey = "plain", ETagToMatch = put.ETag,
            CopySourceServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256,
            CopySourceServerSideEncryptionCustomerProvidedKey = Convert.ToBase64String(key),
            ServerSideEncryptionMethod = ServerSideEncryptionMethod.AES256,
        });
        Assert.Equal(md5, copy.ETag);
    }

    [Fact]
    public async Task A_key_whose_MD5_does_not_match_is_InvalidArgument_and_stores_nothing()
    {
        var bucket = await fixture.NewBucketAsync("sse-c-md5");
        using var http = new SignedHttp(fixture.Server);
        using var response = await http.SendAsync(HttpMethod.Put, $"/{bucket}/k", SignedHttp.Bytes("secret"u8.ToArray()), r =>
        {
            r.Headers.TryAddWithoutValidation("x-amz-server-side-encryption-customer-algorithm", "AES256");
            r.Headers.TryAddWithoutValidation("x-amz-server-side-encryption-customer-key", Convert.ToBase64String(key));
            r.Headers.TryAddWithoutValidation("x-amz-server-side-encryption-customer-key-MD5", Md5Of(otherKey));
        });
        Assert.Equal((400, "InvalidArgument"), await SignedHttp.ErrorOf(response));
        using var shortKey = await http.SendAsync(HttpMethod.Put, $"/{bucket}/k", SignedHttp.Bytes("secret"u8.ToArray()), r =>
        {
            r.Headers.TryAddWithoutValidation("x-amz-server-side-encryption-customer-algorithm", "AES256");
            r.Headers.TryAddWithoutValidation("x-amz-server-side-encryption-customer-key", Convert.ToBase64String(key[..16]));
            r.Headers.TryAddWithoutValidation("x-amz-server-side-encryption-customer-key-MD5", Md5Of(key[..16]));
        });
        Assert.Equal((400, "InvalidArgument"), await SignedHttp.ErrorOf(shortKey));
        using var head = await http.SendAsync(HttpMethod.Head, $"/{bucket}/k");
        Assert.Equal(HttpStatusCode.NotFound, head.StatusCode);
    }

    [Fact]
    public async Task SSE_C_multipart_uploads_need_the_key_on_every_part_and_copies_need_the_source_key()
    {
        var bucket = await fixture.NewBucketAsync("sse-c-mpu");
        var parts = new[] { RandomNumberGenerator.GetBytes(5 * 1024 * 1024), RandomNumberGenerator.GetBytes(1000) };
        var create = await S3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
        {
            BucketName = bucket, Key = "mpu", ServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256,
            ServerSideEncryptionCustomerProvidedKey = Convert.ToBase64String(key),
        });
        var noKey = await Assert.ThrowsAsync<AmazonS3Exception>(() => S3.UploadPartAsync(new UploadPartRequest
        {
            BucketName = bucket, Key = "mpu", UploadId = create.UploadId, PartNumber = 1, InputStream = new MemoryStream(parts[0]),
        }));
        Assert.Equal(HttpStatusCode.BadRequest, noKey.StatusCode);
        var etags = new List<PartETag>();
        for (var i = 0; i < parts.Length; i++)
        {
            var part = await S3.UploadPartAsync(new UploadPartRequest
            {
                BucketName = bucket, Key = "mpu", UploadId = create.UploadId, PartNumber = i + 1, InputStream = new MemoryStream(parts[i]),
                ServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256, ServerSideEncryptionCustomerProvidedKey = Convert.ToBase64String(key),
            });
            etags.Add(new PartETag(i + 1, part.ETag));
        }
        await S3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = bucket, Key = "mpu", UploadId = create.UploadId, PartETags = etags });
        var whole = parts.SelectMany(p => p).ToArray();
        using (var get = await S3.GetObjectAsync(WithKey(new GetObjectRequest { BucketName = bucket, Key = "mpu", ByteRange = new ByteRange(5 * 1024 * 1024 - 10, whole.Length - 1) }, key)))
            Assert.Equal(whole[(5 * 1024 * 1024 - 10)..], await get.ResponseStream.ReadAllBytesAsync());

        // A copy of an SSE-C source names the source's key; the copy takes another customer key, or SSE-S3.
        var noSourceKey = await Assert.ThrowsAsync<AmazonS3Exception>(() => S3.CopyObjectAsync(bucket, "mpu", bucket, "copy"));
        Assert.Equal(HttpStatusCode.BadRequest, noSourceKey.StatusCode);
        await S3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = bucket, SourceKey = "mpu", DestinationBucket = bucket, DestinationKey = "copy-c",
            CopySourceServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256, CopySourceServerSideEncryptionCustomerProvidedKey = Convert.ToBase64String(key),
            ServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256, ServerSideEncryptionCustomerProvidedKey = Convert.ToBase64String(otherKey),
        });
        using (var get = await S3.GetObjectAsync(WithKey(new GetObjectRequest { BucketName = bucket, Key = "copy-c" }, otherKey)))
            Assert.Equal(whole, await get.ResponseStream.ReadAllBytesAsync());
        var copy = await S3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = bucket, SourceKey = "copy-c", DestinationBucket = bucket, DestinationKey = "copy-s3",
            CopySourceServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256, CopySourceServerSideEncryptionCustomerProvidedKey = Convert.ToBase64String(otherKey),
        });
        Assert.Equal(ServerSideEncryptionMethod.AES256, copy.ServerSideEncryptionMethod);
        using (var get = await S3.GetObjectAsync(bucket, "copy-s3"))
            Assert.Equal(whole, await get.ResponseStream.ReadAllBytesAsync());
    }

    [Fact]
    public async Task Aws_cli_copies_with_sse_c_and_with_sse_kms()
    {
        var bucket = await fixture.NewBucketAsync("cli-sse");
        var data = RandomNumberGenerator.GetBytes(100_000);
        var file = temp.File("data.bin");
        await File.WriteAllBytesAsync(file, data);
        var keyFile = temp.File("key.bin");
        await File.WriteAllBytesAsync(keyFile, key);
        var env = ExternalClients.Environment(temp.Sub("home"));
        string[] common = ["--endpoint-url", fixture.Server.Endpoint, "--no-cli-pager", "--output", "json", "--cli-read-timeout", "30", "--ca-bundle", fixture.Ca.CaFile];
        string[] sseC = ["--sse-c", "AES256", "--sse-c-key", "fileb://" + keyFile];

        (await ExternalClients.RunAsync(ExternalClients.AwsCli, [.. common, "s3", "cp", file, $"s3://{bucket}/c.bin", .. sseC], env)).Succeeded(fixture, "aws s3 cp --sse-c");
        var back = temp.File("back.bin");
        (await ExternalClients.RunAsync(ExternalClients.AwsCli, [.. common, "s3", "cp", $"s3://{bucket}/c.bin", back, .. sseC], env)).Succeeded(fixture, "aws s3 cp back --sse-c");
        Assert.Equal(data, await File.ReadAllBytesAsync(back));
        var without = await ExternalClients.RunAsync(ExternalClients.AwsCli, [.. common, "s3", "cp", $"s3://{bucket}/c.bin", temp.File("no.bin")], env);
        Assert.NotEqual(0, without.ExitCode);

        (await ExternalClients.RunAsync(ExternalClients.AwsCli, [.. common, "s3", "cp", file, $"s3://{bucket}/kms.bin", "--sse", "aws:kms"], env)).Succeeded(fixture, "aws s3 cp --sse aws:kms");
        var head = (await ExternalClients.RunAsync(ExternalClients.AwsCli, [.. common, "s3api", "head-object", "--bucket", bucket, "--key", "kms.bin"], env))
            .Succeeded(fixture, "aws s3api head-object");
        Assert.Contains("\"ServerSideEncryption\": \"aws:kms\"", head.Stdout);
        Assert.Contains("\"SSEKMSKeyId\": \"arn:aws:kms:us-east-1:000000000000:key/", head.Stdout);
    }

    private static T WithKey<T>(T request, byte[] key) where T : GetObjectRequest
    {
        request.ServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256;
        request.ServerSideEncryptionCustomerProvidedKey = Convert.ToBase64String(key);
        return request;
    }

    private static string Md5Of(byte[] key) => Convert.ToBase64String(MD5.HashData(key));
}
