using Amazon.S3;
using Amazon.S3.Model;
using Cairn.Testing;

namespace Cairn.FrontDoor.Tests;

/// <summary>ListBuckets with prefix, max-buckets, continuation-token and bucket-region.</summary>
public sealed class BucketListPagingTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private AmazonS3Client S3 => fixture.S3;

    [Fact]
    public async Task Buckets_are_paged_by_max_buckets_in_name_order_within_the_prefix()
    {
        var prefix = "pg" + Guid.NewGuid().ToString("N")[..8] + "-";
        var names = Enumerable.Range(0, 5).Select(i => $"{prefix}{i}").ToList();
        foreach (var name in names) await S3.PutBucketAsync(name);
        await S3.PutBucketAsync(ServerFixture.NewBucketName("other"));

        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await S3.ListBucketsAsync(new ListBucketsRequest { Prefix = prefix, MaxBuckets = 2, ContinuationToken = token });
            pages++;
            Assert.Equal(prefix, page.Prefix);
            Assert.InRange(page.Buckets.Count, 1, 2);
            Assert.All(page.Buckets, b => Assert.Equal(ServerProcess.Region, b.BucketRegion));
            seen.AddRange(page.Buckets.Select(b => b.BucketName));
            token = page.ContinuationToken;
        }
        while (token is not null);
        Assert.Equal(3, pages);
        Assert.Equal(names, seen);

        var all = await S3.ListBucketsAsync(new ListBucketsRequest { Prefix = prefix, BucketRegion = ServerProcess.Region });
        Assert.Equal(names, all.Buckets.Select(b => b.BucketName));
        Assert.Null(all.ContinuationToken);
    }

    [Fact]
    public async Task A_page_is_Owner_Buckets_ContinuationToken_and_Prefix_in_S3s_namespace()
    {
        var prefix = "px" + Guid.NewGuid().ToString("N")[..8] + "-";
        await S3.PutBucketAsync(prefix + "a");
        await S3.PutBucketAsync(prefix + "b");
        using var http = new SignedHttp(fixture.Server);
        using var first = await http.SendAsync(HttpMethod.Get, $"/?prefix={prefix}&max-buckets=1");
        var root = StrictXml.Root(await first.Content.ReadAsStringAsync(), "ListAllMyBucketsResult");
        Assert.Equal(["Owner", "Buckets", "ContinuationToken", "Prefix"], StrictXml.Names(root));
        var bucket = Assert.Single(StrictXml.Child(root, "Buckets").Elements());
        Assert.Equal(["Name", "CreationDate", "BucketRegion"], StrictXml.Names(bucket));
        Assert.Equal(prefix + "a", StrictXml.Child(bucket, "Name").Value);
        Assert.Equal(prefix, StrictXml.Child(root, "Prefix").Value);

        var token = Uri.EscapeDataString(StrictXml.Child(root, "ContinuationToken").Value);
        using var last = await http.SendAsync(HttpMethod.Get, $"/?prefix={prefix}&max-buckets=1&continuation-token={token}");
        var lastRoot = StrictXml.Root(await last.Content.ReadAsStringAsync(), "ListAllMyBucketsResult");
        Assert.Equal(["Owner", "Buckets", "Prefix"], StrictXml.Names(lastRoot));
        Assert.Equal(prefix + "b", StrictXml.Child(StrictXml.Child(StrictXml.Child(lastRoot, "Buckets"), "Bucket"), "Name").Value);
    }

    [Theory]
    [InlineData("max-buckets=0", "max-buckets")]
    [InlineData("max-buckets=10001", "max-buckets")]
    [InlineData("max-buckets=many", "max-buckets")]
    [InlineData("continuation-token=%21%21not-a-token", "continuation-token")]
    [InlineData("bucket-region=eu-west-1", "bucket-region")]
    public async Task Paging_parameters_S3_cannot_read_are_InvalidArgument(string query, string argument)
    {
        using var http = new SignedHttp(fixture.Server);
        using var response = await http.SendAsync(HttpMethod.Get, "/?" + query);
        var error = RawXml.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal((400, "InvalidArgument", argument), ((int)response.StatusCode, RawXml.Child(error, "Code"), RawXml.Child(error, "ArgumentName")));
    }
}
