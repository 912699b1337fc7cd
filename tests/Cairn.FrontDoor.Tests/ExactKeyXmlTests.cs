using System.Net;
using System.Text;
using System.Xml.Linq;
using Amazon.S3;
using Amazon.S3.Model;
using Cairn.Testing;

namespace Cairn.FrontDoor.Tests;

/// <summary>
/// Keys are exact in XML both ways: request bodies keep every space, tab and CR/LF, and responses write
/// control characters and CR as numeric character references (as AWS S3 does) so that any key that can
/// be stored can be listed, deleted in a batch and uploaded in parts.
/// </summary>
public sealed class ExactKeyXmlTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private static readonly string[] ListedKeys = ["a\u0001b", "cr\rkey", "crlf\r\nkey", "tab\tkey", "lf\nkey", "ключ/日本", " ", "\u001Fz"];

    [Fact]
    public async Task Delete_objects_reads_keys_without_trimming_or_normalising_whitespace()
    {
        var bucket = await NewBucketAsync();
        string[] doomed = [" ", "  two  ", "\tx", "a\r\nb", "a\nb "];
        string[] survivors = ["two", "x", "a\nb"];
        foreach (var key in doomed.Concat(survivors)) await PutAsync(bucket, key);

        var objects = string.Concat(doomed.Select(k => $"<Object><Key>{RawXml.Text(k)}</Key></Object>"));
        var result = await SendXmlAsync(HttpMethod.Post, $"/{bucket}?delete", RawXml.Body($"<Delete>{objects}</Delete>"));

        Assert.Empty(RawXml.Values(result, "Error"));
        Assert.Equal(doomed, RawXml.Values(result, "Key"));
        Assert.Equal(survivors.Order(StringComparer.Ordinal), await ListKeysAsync(bucket, "list-type=2"));
    }

    [Fact]
    public async Task Every_version_listed_can_be_deleted_in_a_batch_by_its_exact_key()
    {
        var bucket = await NewBucketAsync(versioned: true);
        foreach (var key in new[] { " ", "   ", "\tx", "a\r\nb", " lead", "trail " })
        {
            await PutAsync(bucket, key);
            await PutAsync(bucket, key);
        }

        var listed = await SendXmlAsync(HttpMethod.Get, $"/{bucket}?versions");
        var objects = listed.Descendants().Where(e => e.Name.LocalName == "Version").Select(v =>
            $"<Object><Key>{RawXml.Text(RawXml.Value(v, "Key")!)}</Key><VersionId>{RawXml.Value(v, "VersionId")}</VersionId></Object>");
        var result = await SendXmlAsync(HttpMethod.Post, $"/{bucket}?delete", RawXml.Body($"<Delete>{string.Concat(objects)}</Delete>"));

        Assert.Empty(RawXml.Values(result, "Error"));
        Assert.Equal(12, RawXml.Values(result, "Deleted").Length);
        Assert.Empty(RawXml.Values(await SendXmlAsync(HttpMethod.Get, $"/{bucket}?versions"), "Key"));
    }

    [Fact]
    public async Task Tag_keys_and_values_keep_their_leading_trailing_and_only_spaces()
    {
        var bucket = await NewBucketAsync();
        await PutAsync(bucket, "k");
        (string Key, string Value)[] tags = [(" ", "  "), (" lead", "trail "), ("k", " ")];
        var tagSet = string.Concat(tags.Select(t => $"<Tag><Key>{t.Key}</Key><Value>{t.Value}</Value></Tag>"));
        using var http = new SignedHttp(fixture.Server);
        using (var put = await http.SendAsync(HttpMethod.Put, $"/{bucket}/k?tagging", RawXml.Body($"<Tagging><TagSet>{tagSet}</TagSet></Tagging>")))
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        var got = await SendXmlAsync(HttpMethod.Get, $"/{bucket}/k?tagging");
        Assert.Equal(tags.Select(t => t.Key), RawXml.Values(got, "Key"));
        Assert.Equal(tags.Select(t => t.Value), RawXml.Values(got, "Value"));
    }

    [Theory]
    [InlineData("list-type=2", "Contents")]
    [InlineData("", "Contents")]
    [InlineData("versions", "Version")]
    public async Task Listings_write_control_characters_and_CR_as_character_references(string listing, string entry)
    {
        var bucket = await NewBucketAsync();
        foreach (var key in ListedKeys) await PutAsync(bucket, key);

        var raw = await GetRawAsync($"/{bucket}?{listing}");

        Assert.Contains("a&#x1;b", raw);
        Assert.Contains("&#x1F;z", raw);
        Assert.Matches("cr(&#xD;|&#13;)key", raw);
        Assert.Matches("crlf(&#xD;|&#13;)\nkey", raw);
        Assert.DoesNotContain('\u0001', raw);
        Assert.DoesNotContain('\r', raw);
        // Characters XML text carries as they are stay as they are.
        Assert.Contains("<Key>tab\tkey</Key>", raw);
        Assert.Contains("<Key>lf\nkey</Key>", raw);
        Assert.Contains("<Key>ключ/日本</Key>", raw);
        Assert.Contains("<Key> </Key>", raw);
        var keys = RawXml.Parse(raw).Descendants().Where(e => e.Name.LocalName == entry).Select(e => RawXml.Value(e, "Key"));
        Assert.Equal(ListedKeys.Order(StringComparer.Ordinal), keys);
    }

    [Theory]
    [InlineData("list-type=2", "start-after", "StartAfter", null)]
    [InlineData("", "marker", "Marker", "NextMarker")]
    [InlineData("versions", "key-marker", "KeyMarker", "NextKeyMarker")]
    public async Task Listings_echo_control_character_prefix_delimiter_and_markers_exactly(string listing, string markerParameter, string markerElement, string? nextElement)
    {
        var bucket = await NewBucketAsync();
        foreach (var key in new[] { "\u0001a", "\u0001b\rc", "\u0001b\rd", "\u0001e", "other" }) await PutAsync(bucket, key);

        var raw = await GetRawAsync($"/{bucket}?{listing}&prefix=%01&delimiter=%0D&{markerParameter}=%01&max-keys=2");
        Assert.DoesNotContain('\u0001', raw);
        Assert.DoesNotContain('\r', raw);
        var page = RawXml.Parse(raw);

        Assert.Equal("\u0001", RawXml.Child(page, "Prefix"));
        Assert.Equal("\r", RawXml.Child(page, "Delimiter"));
        Assert.Equal("\u0001", RawXml.Child(page, markerElement));
        Assert.Equal(["\u0001a"], RawXml.Values(page, "Key"));
        Assert.Equal(["\u0001b\r"], page.Elements().Where(e => e.Name.LocalName == "CommonPrefixes").Select(e => RawXml.Child(e, "Prefix")));
        Assert.Equal("true", RawXml.Child(page, "IsTruncated"));
        if (nextElement is not null) Assert.Equal("\u0001b\r", RawXml.Child(page, nextElement));
    }

    [Fact]
    public async Task Multipart_results_carry_a_control_character_key_exactly()
    {
        var bucket = await NewBucketAsync();
        const string key = "mp\u0001\r/é";
        var path = $"/{bucket}/{RawXml.Path(key)}";

        var created = await SendXmlAsync(HttpMethod.Post, path + "?uploads");
        Assert.Equal(key, RawXml.Value(created, "Key"));
        var uploadId = RawXml.Value(created, "UploadId");

        using var http = new SignedHttp(fixture.Server);
        using var part = await http.SendAsync(HttpMethod.Put, $"{path}?partNumber=1&uploadId={uploadId}", SignedHttp.Bytes("part"u8.ToArray()));
        Assert.Equal(HttpStatusCode.OK, part.StatusCode);

        var uploads = await SendXmlAsync(HttpMethod.Get, $"/{bucket}?uploads&prefix=mp%01&key-marker=mp%01");
        Assert.Equal("mp\u0001", RawXml.Child(uploads, "KeyMarker"));
        Assert.Equal("mp\u0001", RawXml.Child(uploads, "Prefix"));
        Assert.Equal(key, RawXml.Value(uploads, "Key"));

        var parts = await SendXmlAsync(HttpMethod.Get, $"{path}?uploadId={uploadId}");
        Assert.Equal(key, RawXml.Value(parts, "Key"));

        var manifest = $"<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>{part.Headers.ETag!.Tag}</ETag></Part></CompleteMultipartUpload>";
        var completed = await SendXmlAsync(HttpMethod.Post, $"{path}?uploadId={uploadId}", SignedHttp.Bytes(Encoding.UTF8.GetBytes(manifest)));
        Assert.Equal(key, RawXml.Value(completed, "Key"));
        Assert.Equal([key], await ListKeysAsync(bucket, "list-type=2"));
    }

    [Fact]
    public async Task Delete_objects_results_carry_control_character_keys_in_Deleted_and_Error()
    {
        var bucket = await NewBucketAsync();
        const string deleted = "del\u0001\r", failed = "err\u0001\r";
        await PutAsync(bucket, deleted);

        var body = $"<Delete><Object><Key>{RawXml.Text(deleted)}</Key></Object>" +
                   $"<Object><Key>{RawXml.Text(failed)}</Key><VersionId>not-a-version</VersionId></Object></Delete>";
        var result = await SendXmlAsync(HttpMethod.Post, $"/{bucket}?delete", RawXml.Body(body));

        var deletedEntry = Assert.Single(result.Elements(), e => e.Name.LocalName == "Deleted");
        Assert.Equal(deleted, RawXml.Value(deletedEntry, "Key"));
        var errorEntry = Assert.Single(result.Elements(), e => e.Name.LocalName == "Error");
        Assert.Equal(failed, RawXml.Value(errorEntry, "Key"));
        Assert.Equal("InvalidArgument", RawXml.Value(errorEntry, "Code"));
        Assert.Empty(await ListKeysAsync(bucket, "list-type=2"));
    }

    [Fact]
    public async Task An_error_naming_a_control_character_key_carries_it_exactly()
    {
        var bucket = await NewBucketAsync();
        const string key = "gone\u0001\r";
        using var http = new SignedHttp(fixture.Server);
        using var response = await http.SendAsync(HttpMethod.Get, $"/{bucket}/{RawXml.Path(key)}");
        var raw = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain('\u0001', raw);
        Assert.DoesNotContain('\r', raw);
        var error = RawXml.Parse(raw);
        Assert.Equal("NoSuchKey", RawXml.Value(error, "Code"));
        Assert.Equal(key, RawXml.Value(error, "Key"));
    }

    [Fact]
    public async Task Url_encoded_listings_percent_encode_control_characters_as_before()
    {
        var bucket = await NewBucketAsync();
        foreach (var key in ListedKeys) await PutAsync(bucket, key);

        var raw = await GetRawAsync($"/{bucket}?list-type=2&encoding-type=url");

        Assert.DoesNotContain("&#x", raw);
        Assert.Equal(ListedKeys.Order(StringComparer.Ordinal).Select(RawXml.Path), RawXml.Values(RawXml.Parse(raw), "Key"));
    }

    private async Task<string> NewBucketAsync(bool versioned = false)
    {
        var name = ServerFixture.NewBucketName("xml");
        await fixture.S3.PutBucketAsync(name);
        if (versioned)
            await fixture.S3.PutBucketVersioningAsync(new PutBucketVersioningRequest
            {
                BucketName = name, VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled },
            });
        return name;
    }

    private async Task PutAsync(string bucket, string key)
    {
        using var http = new SignedHttp(fixture.Server);
        using var response = await http.SendAsync(HttpMethod.Put, $"/{bucket}/{RawXml.Path(key)}", SignedHttp.Bytes("x"u8.ToArray()));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task<string> GetRawAsync(string pathAndQuery)
    {
        using var http = new SignedHttp(fixture.Server);
        using var response = await http.SendAsync(HttpMethod.Get, pathAndQuery);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        return body;
    }

    /// <summary>Sends a request that must succeed and reads its XML answer exactly.</summary>
    private async Task<XElement> SendXmlAsync(HttpMethod method, string pathAndQuery, HttpContent? content = null)
    {
        using var http = new SignedHttp(fixture.Server);
        using var response = await http.SendAsync(method, pathAndQuery, content);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        return RawXml.Parse(body);
    }

    private async Task<string[]> ListKeysAsync(string bucket, string listing) =>
        RawXml.Values(await SendXmlAsync(HttpMethod.Get, $"/{bucket}?{listing}"), "Key");
}
