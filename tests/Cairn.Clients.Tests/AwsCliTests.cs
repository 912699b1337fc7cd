using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Amazon.S3.Model;
using Cairn.Testing;

namespace Cairn.Clients.Tests;

/// <summary>Debian's AWS CLI v2 (/usr/bin/aws, 2.9.x): high-level `s3` commands and low-level `s3api` calls.</summary>
public sealed class AwsCliTests(ServerFixture fixture) : IClassFixture<ServerFixture>, IDisposable
{
    private readonly TempDir temp = new("cairn-awscli");

    public void Dispose() => temp.Dispose();

    /// <summary>
    /// The CLI switches to multipart above 8 MiB; these tests pin the single-PUT path, so the config file raises
    /// the threshold to 64 MB. Multipart through the CLI is tested in AwsCliMultipartTests.
    /// </summary>
    private Dictionary<string, string?> Env()
    {
        var config = temp.File("aws-config");
        if (!File.Exists(config))
            File.WriteAllText(config, "[default]\nregion = us-east-1\ns3 =\n    multipart_threshold = 64MB\n    multipart_chunksize = 64MB\n");
        var env = ExternalClients.Environment(temp.Sub("home"));
        env["AWS_CONFIG_FILE"] = config;
        return env;
    }

    private Task<ProcessResult> AwsAsync(params string[] args) =>
        ExternalClients.RunAsync(ExternalClients.AwsCli, ["--endpoint-url", fixture.Server.Endpoint, "--no-cli-pager", "--output", "json", "--cli-read-timeout", "30", .. args], Env());

    private async Task<ProcessResult> AwsOkAsync(params string[] args) =>
        (await AwsAsync(args)).Succeeded(fixture, "aws " + string.Join(' ', args));

    private async Task<JsonElement> AwsJsonAsync(params string[] args)
    {
        var result = await AwsOkAsync(args);
        return JsonDocument.Parse(result.Stdout).RootElement.Clone();
    }

    private async Task<string> NewBucketAsync(string hint = "aws")
    {
        var bucket = ServerFixture.NewBucketName(hint);
        await AwsOkAsync("s3", "mb", $"s3://{bucket}");
        return bucket;
    }

    private async Task<List<string>> SdkKeysAsync(string bucket, string prefix)
    {
        var listed = await fixture.S3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = prefix });
        return (listed.S3Objects ?? []).Select(o => o.Key).Order(StringComparer.Ordinal).ToList();
    }

    private static string Md5ETag(byte[] data) => "\"" + Convert.ToHexStringLower(MD5.HashData(data)) + "\"";

    private async Task<List<(string?, string?)>> CliTagsAsync(string bucket, string key) =>
        (await AwsJsonAsync("s3api", "get-object-tagging", "--bucket", bucket, "--key", key)).GetProperty("TagSet").EnumerateArray()
            .Select(t => (t.GetProperty("Key").GetString(), t.GetProperty("Value").GetString())).ToList();

    [Fact]
    public async Task Mb_creates_a_bucket_that_ls_lists()
    {
        var bucket = ServerFixture.NewBucketName("mb");
        var mb = await AwsOkAsync("s3", "mb", $"s3://{bucket}");
        Assert.Contains($"make_bucket: {bucket}", mb.Stdout);

        var ls = await AwsOkAsync("s3", "ls");
        Assert.Contains(ls.Stdout.Split('\n'), line => line.TrimEnd().EndsWith(" " + bucket, StringComparison.Ordinal));

        var again = await AwsAsync("s3", "mb", $"s3://{bucket}");
        Assert.NotEqual(0, again.ExitCode);
        Assert.Contains("BucketAlreadyOwnedByYou", again.Stderr);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1234)]
    [InlineData(20 * 1024 * 1024)]
    public async Task Cp_up_and_down_round_trips_byte_exact_as_a_single_put(int size)
    {
        var bucket = await NewBucketAsync("cp");
        var data = RandomNumberGenerator.GetBytes(size);
        var up = temp.File("up.bin");
        var down = temp.File("down.bin");
        await File.WriteAllBytesAsync(up, data);

        await AwsOkAsync("s3", "cp", "--only-show-errors", up, $"s3://{bucket}/dir/file.bin");
        await AwsOkAsync("s3", "cp", "--only-show-errors", $"s3://{bucket}/dir/file.bin", down);

        Assert.True(Bytes.Same(data, await File.ReadAllBytesAsync(down)), "downloaded bytes differ from uploaded bytes");
        var head = await fixture.S3.GetObjectMetadataAsync(bucket, "dir/file.bin");
        Assert.Equal(size, head.ContentLength);
        // A plain MD5 ETag (no "-N" suffix) shows that the file went as one PUT, not as a multipart upload.
        Assert.Equal(Md5ETag(data), head.ETag);
    }

    [Fact]
    public async Task Sync_of_a_directory_tree_round_trips_byte_exact()
    {
        var bucket = await NewBucketAsync("sync");
        var source = temp.Sub("source");
        var files = Trees.Create(source, seed: 1);

        var up = await AwsOkAsync("s3", "sync", "--no-progress", source, $"s3://{bucket}/tree");
        Assert.Equal(files.Count, up.Stdout.Split('\n').Count(l => l.StartsWith("upload: ", StringComparison.Ordinal)));

        // The keys on the server are the relative paths, unmangled (checked with the SDK, not with the CLI itself).
        Assert.Equal(files.Select(f => "tree/" + f).Order(StringComparer.Ordinal), await SdkKeysAsync(bucket, "tree/"));

        var back = temp.Sub("back");
        await AwsOkAsync("s3", "sync", "--no-progress", $"s3://{bucket}/tree", back);
        Trees.AssertEqual(source, back);

        // Nothing changed: a second sync in either direction transfers nothing (sizes and times compare equal).
        var again = await AwsOkAsync("s3", "sync", "--no-progress", source, $"s3://{bucket}/tree");
        Assert.Equal("", again.Stdout.Trim());
        var againDown = await AwsOkAsync("s3", "sync", "--no-progress", $"s3://{bucket}/tree", back);
        Assert.Equal("", againDown.Stdout.Trim());

        // A deleted local file is deleted remotely with --delete.
        File.Delete(Path.Combine(source, "dir one/a+b=c.txt"));
        var delete = await AwsOkAsync("s3", "sync", "--no-progress", "--delete", source, $"s3://{bucket}/tree");
        Assert.Contains($"delete: s3://{bucket}/tree/dir one/a+b=c.txt", delete.Stdout);
        Assert.Equal(files.Where(f => f != "dir one/a+b=c.txt").Select(f => "tree/" + f).Order(StringComparer.Ordinal), await SdkKeysAsync(bucket, "tree/"));
    }

    [Fact]
    public async Task Ls_shows_prefixes_objects_and_recursive_listing()
    {
        var bucket = await NewBucketAsync("ls");
        var local = temp.Sub("ls");
        foreach (var name in new[] { "top.txt", "sub dir/inner.txt", "sub dir/deeper/x.txt" })
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(local, name))!);
            await File.WriteAllTextAsync(Path.Combine(local, name), "twelve bytes");
        }
        await AwsOkAsync("s3", "cp", "--recursive", "--only-show-errors", local, $"s3://{bucket}/");

        var top = (await AwsOkAsync("s3", "ls", $"s3://{bucket}/")).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, top.Length);
        Assert.Contains(top, l => l.Trim() == "PRE sub dir/");
        Assert.Contains(top, l => l.TrimEnd().EndsWith(" 12 top.txt", StringComparison.Ordinal));

        var recursive = (await AwsOkAsync("s3", "ls", "--recursive", $"s3://{bucket}")).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["sub dir/deeper/x.txt", "sub dir/inner.txt", "top.txt"], recursive.Select(l => l[31..].Trim()).ToArray());
        Assert.All(recursive, l => Assert.Matches(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d +12 ", l));

        // ls of an empty prefix: nothing listed, exit code 1 (the CLI's way of saying "no match").
        var none = await AwsAsync("s3", "ls", $"s3://{bucket}/nothing-here/");
        Assert.Equal(1, none.ExitCode);
        Assert.Equal("", none.Stdout.Trim());
    }

    [Fact]
    public async Task Rm_removes_one_object_and_recursive_rm_removes_a_prefix()
    {
        var bucket = await NewBucketAsync("rm");
        var local = temp.Sub("rm");
        foreach (var name in new[] { "keep.txt", "one.txt", "many/a", "many/b b", "many/c/d" })
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(local, name))!);
            await File.WriteAllTextAsync(Path.Combine(local, name), "x");
        }
        await AwsOkAsync("s3", "cp", "--recursive", "--only-show-errors", local, $"s3://{bucket}/");

        var rm = await AwsOkAsync("s3", "rm", $"s3://{bucket}/one.txt");
        Assert.Contains($"delete: s3://{bucket}/one.txt", rm.Stdout);
        var rmr = await AwsOkAsync("s3", "rm", "--recursive", $"s3://{bucket}/many/");
        Assert.Equal(3, rmr.Stdout.Split('\n').Count(l => l.StartsWith("delete: ", StringComparison.Ordinal)));

        Assert.Equal(["keep.txt"], await SdkKeysAsync(bucket, ""));

        await AwsOkAsync("s3", "rm", $"s3://{bucket}/keep.txt");
        await AwsOkAsync("s3", "rb", $"s3://{bucket}");
        var ls = await AwsAsync("s3", "ls", $"s3://{bucket}");
        Assert.NotEqual(0, ls.ExitCode);
        Assert.Contains("NoSuchBucket", ls.Stderr);
    }

    [Fact]
    public async Task Head_object_reports_length_etag_type_and_last_modified()
    {
        var bucket = await NewBucketAsync("head");
        var data = RandomNumberGenerator.GetBytes(4321);
        var file = temp.File("page.html");
        await File.WriteAllBytesAsync(file, data);
        var before = DateTimeOffset.UtcNow.AddSeconds(-2);
        await AwsOkAsync("s3", "cp", "--only-show-errors", file, $"s3://{bucket}/page.html");

        var head = await AwsJsonAsync("s3api", "head-object", "--bucket", bucket, "--key", "page.html");
        Assert.Equal(4321, head.GetProperty("ContentLength").GetInt64());
        Assert.Equal(Md5ETag(data), head.GetProperty("ETag").GetString());
        Assert.Equal("text/html", head.GetProperty("ContentType").GetString()); // the CLI guesses it from the extension
        Assert.Equal("bytes", head.GetProperty("AcceptRanges").GetString());
        var modified = DateTimeOffset.Parse(head.GetProperty("LastModified").GetString()!);
        Assert.InRange(modified, before, DateTimeOffset.UtcNow.AddSeconds(2));
        Assert.Empty(head.GetProperty("Metadata").EnumerateObject());
    }

    [Fact]
    public async Task Put_object_with_metadata_and_headers_is_returned_by_head_and_get()
    {
        var bucket = await NewBucketAsync("meta");
        var file = temp.File("body");
        await File.WriteAllTextAsync(file, "metadata body");
        var put = await AwsJsonAsync("s3api", "put-object", "--bucket", bucket, "--key", "with meta",
            "--body", file, "--metadata", "color=blue,shape=round", "--content-type", "text/x-test",
            "--cache-control", "max-age=60", "--content-disposition", "attachment; filename=\"m.txt\"");
        Assert.Equal(Md5ETag(Encoding.UTF8.GetBytes("metadata body")), put.GetProperty("ETag").GetString());

        var head = await AwsJsonAsync("s3api", "head-object", "--bucket", bucket, "--key", "with meta");
        Assert.Equal("blue", head.GetProperty("Metadata").GetProperty("color").GetString());
        Assert.Equal("round", head.GetProperty("Metadata").GetProperty("shape").GetString());
        Assert.Equal(2, head.GetProperty("Metadata").EnumerateObject().Count());
        Assert.Equal("text/x-test", head.GetProperty("ContentType").GetString());
        Assert.Equal("max-age=60", head.GetProperty("CacheControl").GetString());
        Assert.Equal("attachment; filename=\"m.txt\"", head.GetProperty("ContentDisposition").GetString());

        var outFile = temp.File("out");
        var get = await AwsJsonAsync("s3api", "get-object", "--bucket", bucket, "--key", "with meta", outFile);
        Assert.Equal("blue", get.GetProperty("Metadata").GetProperty("color").GetString());
        Assert.Equal("metadata body", await File.ReadAllTextAsync(outFile));
    }

    [Fact]
    public async Task List_objects_v2_with_prefix_and_delimiter_returns_keys_and_common_prefixes()
    {
        var bucket = await NewBucketAsync("delim");
        // Seeded with the SDK: the listing is under test here, not the upload.
        foreach (var key in new[] { "photos/2024/a.jpg", "photos/2024/b.jpg", "photos/2025/c.jpg", "photos/top.jpg", "photos/ünï cödé/d.jpg", "other/x" })
            await fixture.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = "x" });

        var listed = await AwsJsonAsync("s3api", "list-objects-v2", "--bucket", bucket, "--prefix", "photos/", "--delimiter", "/");
        Assert.Equal(["photos/2024/", "photos/2025/", "photos/ünï cödé/"],
            listed.GetProperty("CommonPrefixes").EnumerateArray().Select(p => p.GetProperty("Prefix").GetString()!).ToArray());
        Assert.Equal(["photos/top.jpg"], listed.GetProperty("Contents").EnumerateArray().Select(c => c.GetProperty("Key").GetString()!).ToArray());

        var deeper = await AwsJsonAsync("s3api", "list-objects-v2", "--bucket", bucket, "--prefix", "photos/2024/", "--delimiter", "/");
        Assert.False(deeper.TryGetProperty("CommonPrefixes", out _));
        var contents = deeper.GetProperty("Contents").EnumerateArray().ToList();
        Assert.Equal(["photos/2024/a.jpg", "photos/2024/b.jpg"], contents.Select(c => c.GetProperty("Key").GetString()!).ToArray());
        Assert.All(contents, c =>
        {
            Assert.Equal(1, c.GetProperty("Size").GetInt64());
            Assert.Equal(Md5ETag("x"u8.ToArray()), c.GetProperty("ETag").GetString());
            Assert.Equal("STANDARD", c.GetProperty("StorageClass").GetString());
        });

        // The CLI asks with encoding-type=url and decodes; the unicode prefix must come back intact.
        var unicode = await AwsJsonAsync("s3api", "list-objects-v2", "--bucket", bucket, "--prefix", "photos/ünï");
        Assert.Equal(["photos/ünï cödé/d.jpg"], unicode.GetProperty("Contents").EnumerateArray().Select(c => c.GetProperty("Key").GetString()!).ToArray());
    }

    [Fact]
    public async Task List_objects_v2_paginates_with_page_size_max_items_and_starting_token()
    {
        var bucket = await NewBucketAsync("page");
        var keys = Enumerable.Range(0, 11).Select(i => $"p/key-{i:D2}").ToList();
        await Task.WhenAll(keys.Append("q/other").Select(key =>
            fixture.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = "x" })));

        // --page-size 3: the CLI follows continuation tokens itself (4 requests) and merges the pages.
        var all = await AwsJsonAsync("s3api", "list-objects-v2", "--bucket", bucket, "--prefix", "p/", "--page-size", "3");
        Assert.Equal(keys, all.GetProperty("Contents").EnumerateArray().Select(c => c.GetProperty("Key").GetString()!).ToList());

        // --max-items 4 with --page-size 3: 4 keys and a NextToken; --starting-token resumes where it stopped.
        var seen = new List<string>();
        string? token = null;
        int pages = 0;
        do
        {
            string[] args = ["s3api", "list-objects-v2", "--bucket", bucket, "--prefix", "p/", "--page-size", "3", "--max-items", "4"];
            if (token is not null) args = [.. args, "--starting-token", token];
            var page = await AwsJsonAsync(args);
            var pageKeys = page.GetProperty("Contents").EnumerateArray().Select(c => c.GetProperty("Key").GetString()!).ToList();
            Assert.InRange(pageKeys.Count, 1, 4);
            seen.AddRange(pageKeys);
            token = page.TryGetProperty("NextToken", out var next) ? next.GetString() : null;
            pages++;
        }
        while (token is not null && pages < 10);
        Assert.Equal(3, pages);
        Assert.Equal(keys, seen);

        // --max-keys on the wire: one page of 5, truncated, with a continuation token.
        var raw = await AwsJsonAsync("s3api", "list-objects-v2", "--bucket", bucket, "--prefix", "p/", "--max-keys", "5", "--no-paginate");
        Assert.Equal(5, raw.GetProperty("Contents").GetArrayLength());
        Assert.True(raw.GetProperty("IsTruncated").GetBoolean());
        Assert.Equal(5, raw.GetProperty("KeyCount").GetInt32());
        Assert.Equal(5, raw.GetProperty("MaxKeys").GetInt32());
        Assert.False(string.IsNullOrEmpty(raw.GetProperty("NextContinuationToken").GetString()));
    }

    [Theory]
    [InlineData("src/plain.txt", "dst/ünï cödé +%=?&#;.txt")]
    [InlineData("src/with space+plus%25=eq?q#h.txt", "dst/simple.txt")]
    public async Task Copy_object_with_keys_needing_url_encoding_copies_bytes_and_metadata(string source, string destination)
    {
        var bucket = await NewBucketAsync("copy");
        var data = RandomNumberGenerator.GetBytes(3000);
        var seed = new PutObjectRequest { BucketName = bucket, Key = source, InputStream = new MemoryStream(data) };
        seed.Metadata.Add("origin", "copy-test");
        await fixture.S3.PutObjectAsync(seed);

        var copy = await AwsJsonAsync("s3api", "copy-object", "--bucket", bucket, "--key", destination, "--copy-source", $"{bucket}/{source}");
        Assert.Equal(Md5ETag(data), copy.GetProperty("CopyObjectResult").GetProperty("ETag").GetString());

        var outFile = temp.File("copied");
        var get = await AwsJsonAsync("s3api", "get-object", "--bucket", bucket, "--key", destination, outFile);
        Assert.True(Bytes.Same(data, await File.ReadAllBytesAsync(outFile)), "copied bytes differ");
        Assert.Equal("copy-test", get.GetProperty("Metadata").GetProperty("origin").GetString());

        // The high-level command does the same copy (CopyObject with x-amz-copy-source), here from the copy.
        await AwsOkAsync("s3", "cp", "--only-show-errors", $"s3://{bucket}/{destination}", $"s3://{bucket}/third/{destination}");
        var head = await fixture.S3.GetObjectMetadataAsync(bucket, $"third/{destination}");
        Assert.Equal(Md5ETag(data), head.ETag);
        Assert.Equal("copy-test", head.Metadata["origin"]);
    }

    [Fact]
    public async Task Object_tagging_round_trips_through_put_object_and_the_tagging_calls()
    {
        var bucket = await NewBucketAsync("tags");
        var file = temp.File("tagged");
        await File.WriteAllTextAsync(file, "tagged body");
        await AwsOkAsync("s3api", "put-object", "--bucket", bucket, "--key", "doc", "--body", file, "--tagging", "team=blue&stage=dev");
        Assert.Equal([("stage", "dev"), ("team", "blue")], await CliTagsAsync(bucket, "doc"));

        await AwsOkAsync("s3api", "put-object-tagging", "--bucket", bucket, "--key", "doc",
            "--tagging", "TagSet=[{Key=project,Value=cairn},{Key=owner,Value=ops team}]");
        Assert.Equal([("owner", "ops team"), ("project", "cairn")], await CliTagsAsync(bucket, "doc"));
        var get = await AwsJsonAsync("s3api", "get-object", "--bucket", bucket, "--key", "doc", temp.File("tagged-out"));
        Assert.Equal(2, get.GetProperty("TagCount").GetInt32());

        await AwsOkAsync("s3api", "delete-object-tagging", "--bucket", bucket, "--key", "doc");
        Assert.Empty(await CliTagsAsync(bucket, "doc"));
        Assert.Equal("tagged body", await File.ReadAllTextAsync(temp.File("tagged-out")));
    }

    [Fact]
    public async Task Get_object_of_a_missing_key_exits_non_zero_with_NoSuchKey()
    {
        var bucket = await NewBucketAsync("missing");
        var outFile = temp.File("never");
        var get = await AwsAsync("s3api", "get-object", "--bucket", bucket, "--key", "no/such key", outFile);
        Assert.NotEqual(0, get.ExitCode);
        Assert.Contains("NoSuchKey", get.Stderr);
        Assert.False(File.Exists(outFile) && new FileInfo(outFile).Length > 0);

        var head = await AwsAsync("s3api", "head-object", "--bucket", bucket, "--key", "no/such key");
        Assert.NotEqual(0, head.ExitCode);
        Assert.Contains("404", head.Stderr);

        var cp = await AwsAsync("s3", "cp", $"s3://{bucket}/absent", outFile);
        Assert.NotEqual(0, cp.ExitCode);
        Assert.Contains("404", cp.Stderr);

        var noBucket = await AwsAsync("s3api", "get-object", "--bucket", ServerFixture.NewBucketName("nob"), "--key", "k", outFile);
        Assert.NotEqual(0, noBucket.ExitCode);
        Assert.Contains("NoSuchBucket", noBucket.Stderr);
    }

    [Fact]
    public async Task Presigned_url_serves_the_object_to_a_plain_http_get()
    {
        var bucket = await NewBucketAsync("presign");
        var data = RandomNumberGenerator.GetBytes(70_000);
        var file = temp.File("p.bin");
        await File.WriteAllBytesAsync(file, data);
        await AwsOkAsync("s3", "cp", "--only-show-errors", file, $"s3://{bucket}/dir/pre signed+key.bin");

        var url = (await AwsOkAsync("s3", "presign", $"s3://{bucket}/dir/pre signed+key.bin", "--expires-in", "300")).Stdout.Trim();
        Assert.StartsWith(fixture.Server.Endpoint + "/", url);
        Assert.Contains("X-Amz-Signature=", url);

        using var http = new HttpClient();
        using var response = await http.GetAsync(url);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.True(Bytes.Same(data, await response.Content.ReadAsByteArrayAsync()), "presigned GET returned other bytes");

        // The signature covers the key: the same query string on another key is refused.
        var other = url.Replace("pre%20signed%2Bkey.bin", "other.bin", StringComparison.Ordinal);
        Assert.NotEqual(url, other);
        using var forged = await http.GetAsync(other);
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, forged.StatusCode);
        Assert.Contains("SignatureDoesNotMatch", await forged.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Lifecycle_configuration_and_restore_object_work_through_s3api()
    {
        var bucket = await NewBucketAsync("lifecycle");
        var rules = temp.File("lifecycle.json");
        await File.WriteAllTextAsync(rules, """
            {"Rules":[{"ID":"ladder","Filter":{"Prefix":"logs/"},"Status":"Enabled",
              "Transitions":[{"Days":30,"StorageClass":"STANDARD_IA"},{"Days":90,"StorageClass":"GLACIER"}],
              "Expiration":{"Days":365},"AbortIncompleteMultipartUpload":{"DaysAfterInitiation":7}}]}
            """);
        await AwsOkAsync("s3api", "put-bucket-lifecycle-configuration", "--bucket", bucket, "--lifecycle-configuration", "file://" + rules);
        var rule = (await AwsJsonAsync("s3api", "get-bucket-lifecycle-configuration", "--bucket", bucket)).GetProperty("Rules")[0];
        Assert.Equal("ladder", rule.GetProperty("ID").GetString());
        Assert.Equal("logs/", rule.GetProperty("Filter").GetProperty("Prefix").GetString());
        Assert.Equal(["STANDARD_IA", "GLACIER"], rule.GetProperty("Transitions").EnumerateArray().Select(t => t.GetProperty("StorageClass").GetString()));
        Assert.Equal(365, rule.GetProperty("Expiration").GetProperty("Days").GetInt32());

        var tooSoon = temp.File("too-soon.json");
        await File.WriteAllTextAsync(tooSoon, """{"Rules":[{"ID":"r","Filter":{},"Status":"Enabled","Transitions":[{"Days":10,"StorageClass":"STANDARD_IA"}]}]}""");
        var refused = await AwsAsync("s3api", "put-bucket-lifecycle-configuration", "--bucket", bucket, "--lifecycle-configuration", "file://" + tooSoon);
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("InvalidArgument", refused.Stderr);

        await AwsOkAsync("s3api", "delete-bucket-lifecycle", "--bucket", bucket);
        var gone = await AwsAsync("s3api", "get-bucket-lifecycle-configuration", "--bucket", bucket);
        Assert.Contains("NoSuchLifecycleConfiguration", gone.Stderr);

        var file = temp.File("archived");
        await File.WriteAllTextAsync(file, "archived body");
        await AwsOkAsync("s3api", "put-object", "--bucket", bucket, "--key", "cold", "--body", file, "--storage-class", "GLACIER");
        var denied = await AwsAsync("s3api", "get-object", "--bucket", bucket, "--key", "cold", temp.File("out"));
        Assert.Contains("InvalidObjectState", denied.Stderr);
        await AwsOkAsync("s3api", "restore-object", "--bucket", bucket, "--key", "cold", "--restore-request", "Days=2,GlacierJobParameters={Tier=Standard}");
        var head = await AwsJsonAsync("s3api", "head-object", "--bucket", bucket, "--key", "cold");
        Assert.Equal("GLACIER", head.GetProperty("StorageClass").GetString());
        Assert.Equal("ongoing-request=\"true\"", head.GetProperty("Restore").GetString());
        var again = await AwsAsync("s3api", "restore-object", "--bucket", bucket, "--key", "cold", "--restore-request", "Days=2");
        Assert.Contains("RestoreAlreadyInProgress", again.Stderr);
    }
}
