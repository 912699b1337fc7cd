using System.Net;
using System.Security.Cryptography;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using Cairn.Testing;

namespace Cairn.FrontDoor.Tests;

/// <summary>A server with one KMS key of its own besides aws/s3, under an alias.</summary>
public sealed class KmsServerFixture : ServerFixture
{
    public const string KeyId = "1234abcd-12ab-34cd-56ef-1234567890ab";
    public const string Alias = "alias/cairn-test";

    public static string Arn(string keyId) => $"arn:aws:kms:{ServerProcess.Region}:000000000000:key/{keyId}";

    protected override string[] ServerArguments => ["--kms-key", $"{Alias}={KeyId}"];
}

/// <summary>
/// SSE-S3, SSE-KMS against the local key ring, and bucket default encryption, through the AWS SDK: the bytes read back
/// whole and by range (across sealed blocks and parts), and the headers and errors are those S3 answers.
/// </summary>
public sealed class EncryptionTests(KmsServerFixture fixture) : IClassFixture<KmsServerFixture>
{
    private const string AwsManagedKeyId = "5a3d52e4-0c3e-4b8f-9d5e-5a3d52e40000";

    private AmazonS3Client S3 => fixture.S3;

    [Fact]
    public async Task A_bucket_without_configuration_encrypts_with_SSE_S3_and_says_so()
    {
        var bucket = await fixture.NewBucketAsync("default-sse");
        var configuration = await S3.GetBucketEncryptionAsync(new GetBucketEncryptionRequest { BucketName = bucket });
        var rule = Assert.Single(configuration.ServerSideEncryptionConfiguration.ServerSideEncryptionRules);
        Assert.Equal(ServerSideEncryptionMethod.AES256, rule.ServerSideEncryptionByDefault.ServerSideEncryptionAlgorithm);
        Assert.False(rule.BucketKeyEnabled ?? false);

        var put = await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "hello" });
        Assert.Equal(ServerSideEncryptionMethod.AES256, put.ServerSideEncryptionMethod);
        var head = await S3.GetObjectMetadataAsync(bucket, "k");
        Assert.Equal(ServerSideEncryptionMethod.AES256, head.ServerSideEncryptionMethod);
        Assert.Null(head.ServerSideEncryptionKeyManagementServiceKeyId);
        Assert.Equal("\"" + Convert.ToHexStringLower(MD5.HashData("hello"u8)) + "\"", head.ETag); // SSE-S3's ETag is the plaintext's MD5
    }

    [Theory]
    [InlineData(10)]            // inline in the index
    [InlineData(200_000)]       // a blob of four sealed blocks, the last one short
    [InlineData(3 * 65_536)]    // exactly three blocks
    public async Task SSE_S3_objects_read_back_whole_and_by_range(int size)
    {
        var bucket = await fixture.NewBucketAsync("sse-s3");
        var data = RandomNumberGenerator.GetBytes(size);
        var put = await S3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket, Key = "k", InputStream = new MemoryStream(data), ServerSideEncryptionMethod = ServerSideEncryptionMethod.AES256,
        });
        Assert.Equal(ServerSideEncryptionMethod.AES256, put.ServerSideEncryptionMethod);
        Assert.Equal(data, await ReadAsync(bucket, "k"));
        foreach (var (first, last) in Ranges(size))
        {
            using var get = await S3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "k", ByteRange = new ByteRange(first, last) });
            Assert.Equal(ServerSideEncryptionMethod.AES256, get.ServerSideEncryptionMethod);
            Assert.Equal(data[(int)first..(int)(last + 1)], await get.ResponseStream.ReadAllBytesAsync());
        }
        var listed = await S3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
        Assert.Equal(size, Assert.Single(listed.S3Objects).Size); // listings report the plaintext's size
    }

    [Fact]
    public async Task SSE_KMS_uses_aws_s3_when_no_key_is_named_and_the_named_key_otherwise()
    {
        var bucket = await fixture.NewBucketAsync("sse-kms");
        var data = RandomNumberGenerator.GetBytes(100_000);
        var named = new (string? Name, string KeyId)[]
        {
            (null, AwsManagedKeyId), (KmsServerFixture.KeyId, KmsServerFixture.KeyId), (KmsServerFixture.Alias, KmsServerFixture.KeyId),
            (KmsServerFixture.Arn(KmsServerFixture.KeyId), KmsServerFixture.KeyId), ("alias/aws/s3", AwsManagedKeyId),
        };
        foreach (var (name, keyId) in named)
        {
            var key = "k-" + (name ?? "default").Replace('/', '_').Replace(':', '_');
            var put = await S3.PutObjectAsync(new PutObjectRequest
            {
                BucketName = bucket, Key = key, InputStream = new MemoryStream(data), ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS,
                ServerSideEncryptionKeyManagementServiceKeyId = name,
            });
            Assert.Equal(ServerSideEncryptionMethod.AWSKMS, put.ServerSideEncryptionMethod);
            Assert.Equal(KmsServerFixture.Arn(keyId), put.ServerSideEncryptionKeyManagementServiceKeyId);
            using var get = await S3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key, ByteRange = new ByteRange(65_000, 70_000) });
            Assert.Equal(ServerSideEncryptionMethod.AWSKMS, get.ServerSideEncryptionMethod);
            Assert.Equal(KmsServerFixture.Arn(keyId), get.ServerSideEncryptionKeyManagementServiceKeyId);
            Assert.Equal(data[65_000..70_001], await get.ResponseStream.ReadAllBytesAsync());
        }
    }

    [Theory]
    [InlineData("no-such-key")]
    [InlineData("alias/missing")]
    [InlineData("arn:aws:kms:us-east-1:000000000000:key/no-such-key")]
    [InlineData("arn:aws:kms:eu-west-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab")]
    public async Task SSE_KMS_with_a_key_that_does_not_exist_is_refused_and_stores_nothing(string keyId)
    {
        var bucket = await fixture.NewBucketAsync("kms-missing");
        using var http = new SignedHttp(fixture.Server);
        using var response = await http.SendAsync(HttpMethod.Put, $"/{bucket}/k", SignedHttp.Bytes("secret"u8.ToArray()), r =>
        {
            r.Headers.TryAddWithoutValidation("x-amz-server-side-encryption", "aws:kms");
            r.Headers.TryAddWithoutValidation("x-amz-server-side-encryption-aws-kms-key-id", keyId);
        });
        Assert.Equal((400, "KMS.NotFoundException"), await SignedHttp.ErrorOf(response));
        using var head = await http.SendAsync(HttpMethod.Head, $"/{bucket}/k");
        Assert.Equal(HttpStatusCode.NotFound, head.StatusCode);
    }

    [Fact]
    public async Task SSE_KMS_with_an_encryption_context_and_a_bucket_key_echoes_them()
    {
        var bucket = await fixture.NewBucketAsync("kms-context");
        var context = Convert.ToBase64String("{\"project\":\"cairn\"}"u8.ToArray());
        using var http = new SignedHttp(fixture.Server);
        using var put = await http.SendAsync(HttpMethod.Put, $"/{bucket}/k", SignedHttp.Bytes("with context"u8.ToArray()), r =>
        {
            r.Headers.TryAddWithoutValidation("x-amz-server-side-encryption", "aws:kms");
            r.Headers.TryAddWithoutValidation("x-amz-server-side-encryption-context", context);
            r.Headers.TryAddWithoutValidation("x-amz-server-side-encryption-bucket-key-enabled", "true");
        });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal("aws:kms", Header(put, "x-amz-server-side-encryption"));
        Assert.Equal(KmsServerFixture.Arn(AwsManagedKeyId), Header(put, "x-amz-server-side-encryption-aws-kms-key-id"));
        Assert.Equal(context, Header(put, "x-amz-server-side-encryption-context"));
        Assert.Equal("true", Header(put, "x-amz-server-side-encryption-bucket-key-enabled"));
        using var get = await http.SendAsync(HttpMethod.Get, $"/{bucket}/k");
        Assert.Equal("with context", await get.Content.ReadAsStringAsync());
        Assert.Equal("true", Header(get, "x-amz-server-side-encryption-bucket-key-enabled"));

        using var bad = await http.SendAsync(HttpMethod.Put, $"/{bucket}/bad", SignedHttp.Bytes("x"u8.ToArray()), r =>
        {
            r.Headers.TryAddWithoutValidation("x-amz-server-side-encryption", "aws:kms");
            r.Headers.TryAddWithoutValidation("x-amz-server-side-encryption-context", "not json");
        });
        Assert.Equal((400, "InvalidArgument"), await SignedHttp.ErrorOf(bad));
    }

    [Fact]
    public async Task Bucket_default_encryption_round_trips_and_applies_to_new_objects()
    {
        var bucket = await fixture.NewBucketAsync("bucket-kms");
        await S3.PutBucketEncryptionAsync(new PutBucketEncryptionRequest
        {
            BucketName = bucket,
            ServerSideEncryptionConfiguration = new ServerSideEncryptionConfiguration
            {
                ServerSideEncryptionRules =
                [
                    new ServerSideEncryptionRule
                    {
                        ServerSideEncryptionByDefault = new ServerSideEncryptionByDefault
                        {
                            ServerSideEncryptionAlgorithm = ServerSideEncryptionMethod.AWSKMS, ServerSideEncryptionKeyManagementServiceKeyId = KmsServerFixture.Alias,
                        },
                        BucketKeyEnabled = true,
                    },
                ],
            },
        });
        var got = Assert.Single((await S3.GetBucketEncryptionAsync(new GetBucketEncryptionRequest { BucketName = bucket })).ServerSideEncryptionConfiguration.ServerSideEncryptionRules);
        Assert.Equal(ServerSideEncryptionMethod.AWSKMS, got.ServerSideEncryptionByDefault.ServerSideEncryptionAlgorithm);
        Assert.Equal(KmsServerFixture.Alias, got.ServerSideEncryptionByDefault.ServerSideEncryptionKeyManagementServiceKeyId);
        Assert.True(got.BucketKeyEnabled);

        var put = await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "by-default", ContentBody = "default kms" });
        Assert.Equal(ServerSideEncryptionMethod.AWSKMS, put.ServerSideEncryptionMethod);
        Assert.Equal(KmsServerFixture.Arn(KmsServerFixture.KeyId), put.ServerSideEncryptionKeyManagementServiceKeyId);
        // A request that asks for SSE-S3 gets it whatever the default.
        var asked = await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "asked", ContentBody = "s3", ServerSideEncryptionMethod = ServerSideEncryptionMethod.AES256 });
        Assert.Equal(ServerSideEncryptionMethod.AES256, asked.ServerSideEncryptionMethod);

        await S3.DeleteBucketEncryptionAsync(new DeleteBucketEncryptionRequest { BucketName = bucket });
        var back = Assert.Single((await S3.GetBucketEncryptionAsync(new GetBucketEncryptionRequest { BucketName = bucket })).ServerSideEncryptionConfiguration.ServerSideEncryptionRules);
        Assert.Equal(ServerSideEncryptionMethod.AES256, back.ServerSideEncryptionByDefault.ServerSideEncryptionAlgorithm);
        var after = await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "after", ContentBody = "s3 again" });
        Assert.Equal(ServerSideEncryptionMethod.AES256, after.ServerSideEncryptionMethod);
        Assert.Equal("default kms", Encoding.UTF8.GetString(await ReadAsync(bucket, "by-default")));
    }

    [Theory]
    [InlineData("<ServerSideEncryptionConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>rot13</SSEAlgorithm></ApplyServerSideEncryptionByDefault></Rule></ServerSideEncryptionConfiguration>", 400, "MalformedXML")]
    [InlineData("<ServerSideEncryptionConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm><KMSMasterKeyID>k</KMSMasterKeyID></ApplyServerSideEncryptionByDefault></Rule></ServerSideEncryptionConfiguration>", 400, "InvalidArgument")]
    [InlineData("<ServerSideEncryptionConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>aws:kms:dsse</SSEAlgorithm></ApplyServerSideEncryptionByDefault></Rule></ServerSideEncryptionConfiguration>", 501, "NotImplemented")]
    public async Task PutBucketEncryption_refuses_what_it_cannot_apply(string xml, int status, string code)
    {
        var bucket = await fixture.NewBucketAsync("bad-sse-config");
        using var http = new SignedHttp(fixture.Server);
        using var response = await http.SendAsync(HttpMethod.Put, $"/{bucket}?encryption", SignedHttp.Xml(xml),
            r => r.Content!.Headers.ContentMD5 = MD5.HashData(Encoding.UTF8.GetBytes(xml)));
        Assert.Equal((status, code), await SignedHttp.ErrorOf(response));
    }

    [Fact]
    public async Task An_SSE_KMS_ETag_is_not_the_MD5_of_the_data_yet_serves_conditions_and_copies()
    {
        var bucket = await fixture.NewBucketAsync("kms-etag");
        var data = RandomNumberGenerator.GetBytes(100_000);
        var md5 = Quoted(MD5.HashData(data));
        PutObjectRequest Kms(string key) => new()
        {
            BucketName = bucket, Key = key, InputStream = new MemoryStream(data), MD5Digest = Convert.ToBase64String(MD5.HashData(data)),
            ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS,
        };
        var put = await S3.PutObjectAsync(Kms("k"));
        Assert.Matches("^\"[0-9a-f]{32}\"$", put.ETag);
        Assert.NotEqual(md5, put.ETag);
        Assert.NotEqual(put.ETag, (await S3.PutObjectAsync(Kms("again"))).ETag); // another data key, another ETag
        Assert.Equal(put.ETag, (await S3.GetObjectMetadataAsync(bucket, "k")).ETag);
        Assert.Equal(put.ETag, Assert.Single((await S3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = "k" })).S3Objects).ETag);

        // Content-MD5 is still checked against the data.
        var wrong = Kms("wrong");
        wrong.MD5Digest = Convert.ToBase64String(MD5.HashData("other"u8));
        Assert.Equal("BadDigest", (await Assert.ThrowsAsync<AmazonS3Exception>(() => S3.PutObjectAsync(wrong))).ErrorCode);

        // Conditions compare the ETag S3 gave, not the MD5.
        using (var matched = await S3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "k", EtagToMatch = put.ETag }))
            Assert.Equal(data, await matched.ResponseStream.ReadAllBytesAsync());
        var byMd5 = await Assert.ThrowsAsync<AmazonS3Exception>(() => S3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "k", EtagToMatch = md5 }));
        Assert.Equal(HttpStatusCode.PreconditionFailed, byMd5.StatusCode);

        // A copy gets the ETag of its own encryption: the MD5 under SSE-S3, a keyed digest under SSE-KMS.
        var toSseS3 = await S3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = bucket, SourceKey = "k", DestinationBucket = bucket, DestinationKey = "s3", ETagToMatch = put.ETag,
            ServerSideEncryptionMethod = ServerSideEncryptionMethod.AES256,
        });
        Assert.Equal(md5, toSseS3.ETag);
        var toKms = await S3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = bucket, SourceKey = "s3", DestinationBucket = bucket, DestinationKey = "kms", ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS,
        });
        Assert.Matches("^\"[0-9a-f]{32}\"$", toKms.ETag);
        Assert.NotEqual(md5, toKms.ETag);
        Assert.NotEqual(put.ETag, toKms.ETag);
        Assert.Equal(data, await ReadAsync(bucket, "kms"));
    }

    private static string Quoted(byte[] md5) => "\"" + Convert.ToHexStringLower(md5) + "\"";

    [Fact]
    public async Task Multipart_uploads_are_encrypted_under_one_key_and_read_back_across_parts()
    {
        var bucket = await fixture.NewBucketAsync("sse-mpu");
        var parts = new[] { RandomNumberGenerator.GetBytes(5 * 1024 * 1024), RandomNumberGenerator.GetBytes(70_000) };
        var create = await S3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
        {
            BucketName = bucket, Key = "mpu", ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS,
            ServerSideEncryptionKeyManagementServiceKeyId = KmsServerFixture.KeyId,
        });
        Assert.Equal(ServerSideEncryptionMethod.AWSKMS, create.ServerSideEncryptionMethod);
        Assert.Equal(KmsServerFixture.Arn(KmsServerFixture.KeyId), create.ServerSideEncryptionKeyManagementServiceKeyId);
        var etags = new List<PartETag>();
        for (var i = 0; i < parts.Length; i++)
        {
            var part = await S3.UploadPartAsync(new UploadPartRequest
            {
                BucketName = bucket, Key = "mpu", UploadId = create.UploadId, PartNumber = i + 1, InputStream = new MemoryStream(parts[i]),
            });
            Assert.Equal(ServerSideEncryptionMethod.AWSKMS, part.ServerSideEncryptionMethod);
            Assert.NotEqual(Quoted(MD5.HashData(parts[i])), part.ETag); // an SSE-KMS part's ETag is not its MD5 either
            etags.Add(new PartETag(i + 1, part.ETag));
        }
        var complete = await S3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = bucket, Key = "mpu", UploadId = create.UploadId, PartETags = etags });
        Assert.Equal(ServerSideEncryptionMethod.AWSKMS, complete.ServerSideEncryptionMethod);
        // The multipart shape stays (a digest and the part count), but not the MD5 of the parts' MD5s.
        Assert.Matches("^\"[0-9a-f]{32}-2\"$", complete.ETag);
        Assert.NotEqual($"\"{Convert.ToHexStringLower(MD5.HashData(parts.SelectMany(MD5.HashData).ToArray()))}-2\"", complete.ETag);
        var whole = parts.SelectMany(p => p).ToArray();
        Assert.Equal(whole, await ReadAsync(bucket, "mpu"));
        var boundary = parts[0].Length;
        using var get = await S3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "mpu", ByteRange = new ByteRange(boundary - 100, boundary + 65_600) });
        Assert.Equal(whole[(boundary - 100)..(boundary + 65_601)], await get.ResponseStream.ReadAllBytesAsync());
        using var second = await S3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "mpu", PartNumber = 2 });
        Assert.Equal(parts[1], await second.ResponseStream.ReadAllBytesAsync());
    }

    [Fact]
    public async Task Copies_are_encrypted_as_the_copy_asks_and_read_back()
    {
        var bucket = await fixture.NewBucketAsync("sse-copy");
        var data = RandomNumberGenerator.GetBytes(150_000);
        var small = RandomNumberGenerator.GetBytes(100);
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "src", InputStream = new MemoryStream(data) });
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "small", InputStream = new MemoryStream(small) });
        foreach (var source in new[] { "src", "small" })
        {
            var expected = source == "src" ? data : small;
            var toKms = await S3.CopyObjectAsync(new CopyObjectRequest
            {
                SourceBucket = bucket, SourceKey = source, DestinationBucket = bucket, DestinationKey = source + "-kms",
                ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS, ServerSideEncryptionKeyManagementServiceKeyId = KmsServerFixture.Alias,
            });
            Assert.Equal(ServerSideEncryptionMethod.AWSKMS, toKms.ServerSideEncryptionMethod);
            Assert.Equal(KmsServerFixture.Arn(KmsServerFixture.KeyId), toKms.ServerSideEncryptionKeyManagementServiceKeyId);
            Assert.Equal(expected, await ReadAsync(bucket, source + "-kms"));
            var back = await S3.CopyObjectAsync(new CopyObjectRequest { SourceBucket = bucket, SourceKey = source + "-kms", DestinationBucket = bucket, DestinationKey = source + "-s3" });
            Assert.Equal(ServerSideEncryptionMethod.AES256, back.ServerSideEncryptionMethod);
            Assert.Equal(expected, await ReadAsync(bucket, source + "-s3"));
            Assert.Equal(ServerSideEncryptionMethod.AES256, (await S3.GetObjectMetadataAsync(bucket, source + "-s3")).ServerSideEncryptionMethod);
        }
        // Copying an object onto itself is allowed when it changes the encryption (how objects are re-encrypted in place).
        var inPlace = await S3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = bucket, SourceKey = "src", DestinationBucket = bucket, DestinationKey = "src", ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS,
        });
        Assert.Equal(ServerSideEncryptionMethod.AWSKMS, inPlace.ServerSideEncryptionMethod);
        Assert.Equal(data, await ReadAsync(bucket, "src"));

        var upload = await S3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = "from-copy" });
        var part = await S3.CopyPartAsync(new CopyPartRequest
        {
            SourceBucket = bucket, SourceKey = "src", DestinationBucket = bucket, DestinationKey = "from-copy", UploadId = upload.UploadId, PartNumber = 1,
            FirstByte = 1000, LastByte = 100_999,
        });
        await S3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket, Key = "from-copy", UploadId = upload.UploadId, PartETags = [new PartETag(1, part.ETag)],
        });
        Assert.Equal(data[1000..101_000], await ReadAsync(bucket, "from-copy"));
    }

    private static IEnumerable<(long First, long Last)> Ranges(int size)
    {
        yield return (0, 0);
        yield return (size - 1, size - 1);
        yield return (size / 3, size / 2);
        if (size > 70_000)
        {
            yield return (65_530, 65_545);     // across the first two blocks
            yield return (131_072, 131_072);  // the first byte of the third
            yield return (100, size - 100);
        }
    }

    private async Task<byte[]> ReadAsync(string bucket, string key)
    {
        using var get = await S3.GetObjectAsync(bucket, key);
        return await get.ResponseStream.ReadAllBytesAsync();
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.Single() : null;
}
