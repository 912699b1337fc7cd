using System.Net;
using System.Xml.Linq;
using Amazon.S3;
using Amazon.S3.Model;
using Cairn.Testing;

namespace Cairn.FrontDoor.Tests;

public sealed class ListingTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private static readonly string[] Keys =
    [
        "a.txt", "b/1", "b/2", "b/c/3", "c", "d/e/f", "z", "ü-umlaut", "é", "Zebra", "a b", "a+b", "a%b",
    ];

    [Fact]
    public async Task Keys_are_listed_in_utf8_binary_order()
    {
        var bucket = await FilledBucketAsync();
        var listed = await ListAllV2Async(new ListObjectsV2Request { BucketName = bucket, MaxKeys = 3 });
        var expected = Keys.OrderBy(k => k, StringComparer.Ordinal).ToArray();
        // Ordinal UTF-16 order equals UTF-8 byte order for these (no surrogates).
        Assert.Equal(expected, listed);
    }

    [Fact]
    public async Task Delimiter_rolls_keys_up_into_common_prefixes()
    {
        var bucket = await FilledBucketAsync();
        var page = await fixture.S3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Delimiter = "/" });
        Assert.Equal(["b/", "d/"], page.CommonPrefixes);
        Assert.DoesNotContain(page.S3Objects ?? [], o => o.Key.Contains('/'));
        var inside = await fixture.S3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Delimiter = "/", Prefix = "b/" });
        Assert.Equal(["b/1", "b/2"], inside.S3Objects.Select(o => o.Key));
        Assert.Equal(["b/c/"], inside.CommonPrefixes);
    }

    [Fact]
    public async Task Pages_of_one_with_a_delimiter_visit_every_entry_once()
    {
        var bucket = await FilledBucketAsync();
        var seen = new List<string>();
        string? token = null;
        do
        {
            var page = await fixture.S3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Delimiter = "/", MaxKeys = 1, ContinuationToken = token });
            seen.AddRange((page.S3Objects ?? []).Select(o => o.Key));
            seen.AddRange(page.CommonPrefixes ?? []);
            Assert.Equal(1, page.KeyCount);
            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null);
        Assert.Equal(Keys.Count(k => !k.Contains('/')) + 2, seen.Count);
        Assert.Equal(seen.Distinct().Count(), seen.Count);
    }

    [Fact]
    public async Task Start_after_skips_earlier_keys()
    {
        var bucket = await FilledBucketAsync();
        var page = await fixture.S3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, StartAfter = "c" });
        Assert.Equal(Keys.Where(k => string.CompareOrdinal(k, "c") > 0).OrderBy(k => k, StringComparer.Ordinal), page.S3Objects.Select(o => o.Key));
    }

    [Fact]
    public async Task List_v1_pages_with_marker_and_NextMarker()
    {
        var bucket = await FilledBucketAsync();
        var seen = new List<string>();
        string? marker = null;
        while (true)
        {
            var page = await fixture.S3.ListObjectsAsync(new ListObjectsRequest { BucketName = bucket, MaxKeys = 4, Marker = marker });
            seen.AddRange(page.S3Objects.Select(o => o.Key));
            if (page.IsTruncated != true) break;
            marker = page.NextMarker ?? page.S3Objects[^1].Key;
        }
        Assert.Equal(Keys.OrderBy(k => k, StringComparer.Ordinal), seen);
    }

    [Fact]
    public async Task Encoding_type_url_percent_encodes_keys()
    {
        var bucket = await FilledBucketAsync();
        using var http = new SignedHttp(fixture.Server);
        using var response = await http.SendAsync(HttpMethod.Get, $"/{bucket}?list-type=2&encoding-type=url&prefix=a");
        var xml = XDocument.Parse(await response.Content.ReadAsStringAsync());
        XNamespace ns = "http://s3.amazonaws.com/doc/2006-03-01/";
        var keys = xml.Descendants(ns + "Key").Select(k => k.Value).ToArray();
        Assert.Contains("a%20b", keys);
        Assert.Contains("a%2Bb", keys);
        Assert.Contains("a%25b", keys);
        Assert.Equal("url", xml.Root!.Element(ns + "EncodingType")?.Value);
    }

    [Fact]
    public async Task Fetch_owner_adds_the_owner()
    {
        var bucket = await FilledBucketAsync();
        var page = await fixture.S3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, FetchOwner = true, MaxKeys = 1 });
        Assert.NotNull(page.S3Objects[0].Owner?.Id);
    }

    [Fact]
    public async Task Invalid_max_keys_is_InvalidArgument()
    {
        var bucket = await FilledBucketAsync();
        using var http = new SignedHttp(fixture.Server);
        using var response = await http.SendAsync(HttpMethod.Get, $"/{bucket}?list-type=2&max-keys=-1");
        Assert.Equal((400, "InvalidArgument"), await SignedHttp.ErrorOf(response));
    }

    [Fact]
    public async Task Listing_a_large_bucket_page_by_page_sees_every_key()
    {
        var bucket = ServerFixture.NewBucketName("many");
        await fixture.S3.PutBucketAsync(bucket);
        var keys = Enumerable.Range(0, 2500).Select(i => $"k/{i:D5}").ToArray();
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 16 },
            async (k, _) => await fixture.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = k, ContentBody = k }));
        var listed = await ListAllV2Async(new ListObjectsV2Request { BucketName = bucket });
        Assert.Equal(keys, listed);
    }

    private async Task<string> FilledBucketAsync()
    {
        var bucket = ServerFixture.NewBucketName("list");
        await fixture.S3.PutBucketAsync(bucket);
        foreach (var key in Keys)
            await fixture.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = key });
        return bucket;
    }

    private async Task<List<string>> ListAllV2Async(ListObjectsV2Request request)
    {
        var keys = new List<string>();
        while (true)
        {
            var page = await fixture.S3.ListObjectsV2Async(request);
            keys.AddRange((page.S3Objects ?? []).Select(o => o.Key));
            if (page.IsTruncated != true) return keys;
            request.ContinuationToken = page.NextContinuationToken;
        }
    }
}
