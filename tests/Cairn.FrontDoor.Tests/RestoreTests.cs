using System.Net;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using Cairn.Testing;

namespace Cairn.FrontDoor.Tests;

/// <summary>A server whose day lasts two seconds, so restore delays (hours) and restored-copy lifetimes (days) pass in seconds.</summary>
public sealed class FastDayServerFixture : ServerFixture
{
    protected override string[] ServerArguments => ["--day-seconds", "2"];
}

/// <summary>Archived classes (GLACIER, DEEP_ARCHIVE): reads refused until RestoreObject's copy is ready, then allowed until it expires.</summary>
public sealed class RestoreTests(FastDayServerFixture fixture) : IClassFixture<FastDayServerFixture>
{
    private AmazonS3Client S3 => fixture.S3;

    [Fact]
    public async Task An_archived_object_is_refused_then_restored_then_readable_then_archived_again()
    {
        var bucket = await NewBucketAsync();
        var body = new string('g', 50_000);
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "cold", ContentBody = body, StorageClass = S3StorageClass.DeepArchive });

        var refused = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => S3.GetObjectAsync(bucket, "cold"));
        Assert.Equal(("InvalidObjectState", HttpStatusCode.Forbidden), (refused.ErrorCode, refused.StatusCode));
        var head = await S3.GetObjectMetadataAsync(bucket, "cold");
        Assert.Equal(S3StorageClass.DeepArchive, head.StorageClass);
        Assert.Null(head.RestoreExpiration);
        Assert.NotEqual(true, head.RestoreInProgress);

        // DEEP_ARCHIVE Bulk takes 48 hours: four seconds here.
        var restore = await S3.RestoreObjectAsync(new RestoreObjectRequest { BucketName = bucket, Key = "cold", Days = 1, RetrievalTier = GlacierJobTier.Bulk });
        Assert.Equal(HttpStatusCode.Accepted, restore.HttpStatusCode);
        var again = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => S3.RestoreObjectAsync(new RestoreObjectRequest { BucketName = bucket, Key = "cold", Days = 1, RetrievalTier = GlacierJobTier.Bulk }));
        Assert.Equal(("RestoreAlreadyInProgress", HttpStatusCode.Conflict), (again.ErrorCode, again.StatusCode));
        Assert.Equal(true, (await S3.GetObjectMetadataAsync(bucket, "cold")).RestoreInProgress);
        Assert.Equal("InvalidObjectState", (await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => S3.GetObjectAsync(bucket, "cold"))).ErrorCode);

        var restored = await WaitForAsync(bucket, "cold", h => h.RestoreInProgress != true && h.RestoreExpiration is not null);
        Assert.True(restored.RestoreExpiration > DateTime.UtcNow);
        Assert.Equal(body, await ReadAsync(bucket, "cold"));

        // A restore of a live copy extends it: 200, not 202.
        var extend = await S3.RestoreObjectAsync(new RestoreObjectRequest { BucketName = bucket, Key = "cold", Days = 2, RetrievalTier = GlacierJobTier.Bulk });
        Assert.Equal(HttpStatusCode.OK, extend.HttpStatusCode);

        await WaitForAsync(bucket, "cold", h => h.RestoreExpiration is null && h.RestoreInProgress != true);
        Assert.Equal("InvalidObjectState", (await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => S3.GetObjectAsync(bucket, "cold"))).ErrorCode);
    }

    [Fact]
    public async Task A_copy_of_an_archived_object_needs_a_restore_and_a_restored_copy_can_change_class_by_copy()
    {
        var bucket = await NewBucketAsync();
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "g", ContentBody = "glacier bytes", StorageClass = S3StorageClass.Glacier });
        var copy = new CopyObjectRequest { SourceBucket = bucket, SourceKey = "g", DestinationBucket = bucket, DestinationKey = "g", StorageClass = S3StorageClass.Standard };
        Assert.Equal("InvalidObjectState", (await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => S3.CopyObjectAsync(copy))).ErrorCode);

        await S3.RestoreObjectAsync(new RestoreObjectRequest { BucketName = bucket, Key = "g", Days = 3, RetrievalTier = GlacierJobTier.Expedited });
        await WaitForAsync(bucket, "g", h => h.RestoreExpiration is not null);
        await S3.CopyObjectAsync(copy);
        var head = await S3.GetObjectMetadataAsync(bucket, "g");
        Assert.Null(head.RestoreExpiration); // the copy is a new STANDARD object, not a restored archive
        Assert.Equal("glacier bytes", await ReadAsync(bucket, "g"));
    }

    [Fact]
    public async Task Restore_refuses_objects_that_are_not_archived_and_tiers_the_class_lacks()
    {
        var bucket = await NewBucketAsync();
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "hot", ContentBody = "x" });
        var notArchived = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => S3.RestoreObjectAsync(new RestoreObjectRequest { BucketName = bucket, Key = "hot", Days = 1 }));
        Assert.Equal(("InvalidObjectState", HttpStatusCode.Forbidden), (notArchived.ErrorCode, notArchived.StatusCode));

        await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "deep", ContentBody = "x", StorageClass = S3StorageClass.DeepArchive });
        var expedited = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => S3.RestoreObjectAsync(new RestoreObjectRequest { BucketName = bucket, Key = "deep", Days = 1, RetrievalTier = GlacierJobTier.Expedited }));
        Assert.Equal(("InvalidArgument", HttpStatusCode.BadRequest), (expedited.ErrorCode, expedited.StatusCode));

        var missing = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => S3.RestoreObjectAsync(new RestoreObjectRequest { BucketName = bucket, Key = "nope", Days = 1 }));
        Assert.Equal(("NoSuchKey", HttpStatusCode.NotFound), (missing.ErrorCode, missing.StatusCode));
    }

    [Theory]
    [InlineData("<RestoreRequest><Days>1</Days>", "MalformedXML")]
    [InlineData("<RestoreRequest><GlacierJobParameters><Tier>Standard</Tier></GlacierJobParameters></RestoreRequest>", "MalformedXML")]
    [InlineData("<RestoreRequest><Days>0</Days></RestoreRequest>", "InvalidArgument")]
    [InlineData("<RestoreRequest><Days>1</Days><GlacierJobParameters><Tier>Fast</Tier></GlacierJobParameters></RestoreRequest>", "MalformedXML")]
    public async Task Malformed_restore_requests_are_refused(string xml, string code)
    {
        var bucket = await NewBucketAsync();
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "g", ContentBody = "x", StorageClass = S3StorageClass.Glacier });
        using var http = new SignedHttp(fixture.Server);
        var response = await http.SendAsync(HttpMethod.Post, $"/{bucket}/g?restore", new ByteArrayContent(Encoding.UTF8.GetBytes(xml)));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains($"<Code>{code}</Code>", await response.Content.ReadAsStringAsync());
    }

    private async Task<GetObjectMetadataResponse> WaitForAsync(string bucket, string key, Func<GetObjectMetadataResponse, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var head = await S3.GetObjectMetadataAsync(bucket, key);
            if (condition(head)) return head;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{key}: restore state never reached (x-amz-restore: {head.Headers["x-amz-restore"]})");
            await Task.Delay(100);
        }
    }

    private async Task<string> ReadAsync(string bucket, string key)
    {
        using var get = await S3.GetObjectAsync(bucket, key);
        return await new StreamReader(get.ResponseStream).ReadToEndAsync();
    }

    private async Task<string> NewBucketAsync()
    {
        var bucket = ServerFixture.NewBucketName("restore");
        await S3.PutBucketAsync(bucket);
        return bucket;
    }
}
