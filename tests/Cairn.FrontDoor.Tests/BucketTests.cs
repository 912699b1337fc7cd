using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using Cairn.Testing;

namespace Cairn.FrontDoor.Tests;

public sealed class BucketTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private AmazonS3Client S3 => fixture.S3;

    [Fact]
    public async Task Create_list_head_and_delete_a_bucket()
    {
        var name = ServerFixture.NewBucketName("b");
        await S3.PutBucketAsync(name);
        var list = await S3.ListBucketsAsync();
        Assert.Contains(list.Buckets, b => b.BucketName == name);
        await S3.GetBucketLocationAsync(name);
        var head = await S3.HeadBucketAsync(new HeadBucketRequest { BucketName = name });
        Assert.Equal(HttpStatusCode.OK, head.HttpStatusCode);
        await S3.DeleteBucketAsync(name);
        var missing = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => S3.GetBucketLocationAsync(name));
        Assert.Equal("NoSuchBucket", missing.ErrorCode);
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("Upper-Case")]
    [InlineData("under_score")]
    [InlineData("-leading-dash")]
    [InlineData("trailing-dash-")]
    [InlineData("double..dot")]
    [InlineData("192.168.1.10")]
    [InlineData("xn--punycode")]
    [InlineData("ends-with-s3alias")]
    public async Task Invalid_bucket_names_are_refused_with_InvalidBucketName(string name)
    {
        using var http = new SignedHttp(fixture.Server);
        using var response = await http.SendAsync(HttpMethod.Put, "/" + name);
        Assert.Equal((400, "InvalidBucketName"), await SignedHttp.ErrorOf(response));
    }

    [Fact]
    public async Task Creating_a_bucket_twice_is_BucketAlreadyOwnedByYou()
    {
        var name = ServerFixture.NewBucketName("twice");
        await S3.PutBucketAsync(name);
        var e = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => S3.PutBucketAsync(name));
        Assert.Equal("BucketAlreadyOwnedByYou", e.ErrorCode);
        Assert.Equal(HttpStatusCode.Conflict, e.StatusCode);
    }

    [Fact]
    public async Task Deleting_a_bucket_that_holds_objects_is_BucketNotEmpty()
    {
        var name = ServerFixture.NewBucketName("full");
        await S3.PutBucketAsync(name);
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = name, Key = "x", ContentBody = "x" });
        var e = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => S3.DeleteBucketAsync(name));
        Assert.Equal("BucketNotEmpty", e.ErrorCode);
        Assert.Equal(HttpStatusCode.Conflict, e.StatusCode);
        await S3.DeleteObjectAsync(name, "x");
        await S3.DeleteBucketAsync(name);
    }

    [Fact]
    public async Task Missing_bucket_is_NoSuchBucket_for_object_and_list_calls()
    {
        var name = ServerFixture.NewBucketName("nope");
        var put = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => S3.PutObjectAsync(new PutObjectRequest { BucketName = name, Key = "k", ContentBody = "x" }));
        Assert.Equal("NoSuchBucket", put.ErrorCode);
        var list = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => S3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = name }));
        Assert.Equal("NoSuchBucket", list.ErrorCode);
        Assert.Equal(HttpStatusCode.NotFound, list.StatusCode);
    }

    [Fact]
    public async Task Location_of_a_us_east_1_bucket_is_empty_as_in_S3()
    {
        var name = ServerFixture.NewBucketName("loc");
        await S3.PutBucketAsync(name);
        using var http = new SignedHttp(fixture.Server);
        using var response = await http.SendAsync(HttpMethod.Get, $"/{name}?location");
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<LocationConstraint xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\" />", body);
    }

    [Theory]
    [InlineData("DELETE", "?acl")]
    [InlineData("PUT", "?analytics")]
    [InlineData("DELETE", "?logging")]
    [InlineData("GET", "?replication")]
    [InlineData("DELETE", "?requestPayment")]
    public async Task Unimplemented_bucket_operations_answer_501_NotImplemented(string method, string query)
    {
        var name = ServerFixture.NewBucketName("ni");
        await S3.PutBucketAsync(name);
        using var http = new SignedHttp(fixture.Server);
        using var response = await http.SendAsync(new HttpMethod(method), $"/{name}{query}");
        Assert.Equal((501, "NotImplemented"), await SignedHttp.ErrorOf(response));
    }
}
