using System.Security.Cryptography;
using System.Text.Json;
using Cairn.Testing;

namespace Cairn.Clients.Tests;

/// <summary>The AWS CLI's versioning calls and its multipart uploads (default 8 MiB threshold and chunks).</summary>
public sealed class AwsCliVersioningAndMultipartTests(ServerFixture fixture) : IClassFixture<ServerFixture>, IDisposable
{
    private const int MiB = 1024 * 1024;
    private readonly TempDir temp = new("cairn-awscli-mpu");

    public void Dispose() => temp.Dispose();

    private Task<ProcessResult> AwsAsync(params string[] args) =>
        ExternalClients.RunAsync(ExternalClients.AwsCli, ["--endpoint-url", fixture.Server.Endpoint, "--no-cli-pager", "--output", "json", "--cli-read-timeout", "120", .. args],
            ExternalClients.Environment(temp.Sub("home")), timeout: TimeSpan.FromMinutes(5));

    private async Task<JsonElement> AwsJsonAsync(params string[] args)
    {
        var result = (await AwsAsync(args)).Succeeded(fixture, "aws " + string.Join(' ', args));
        return result.Stdout.Trim().Length == 0 ? default : JsonDocument.Parse(result.Stdout).RootElement.Clone();
    }

    private async Task<string> NewBucketAsync(string hint)
    {
        var bucket = ServerFixture.NewBucketName(hint);
        (await AwsAsync("s3", "mb", $"s3://{bucket}")).Succeeded(fixture, "mb");
        return bucket;
    }

    [Fact]
    public async Task Versioning_state_machine_through_s3api()
    {
        var bucket = await NewBucketAsync("cliver");
        await AwsJsonAsync("s3api", "put-bucket-versioning", "--bucket", bucket, "--versioning-configuration", "Status=Enabled");
        Assert.Equal("Enabled", (await AwsJsonAsync("s3api", "get-bucket-versioning", "--bucket", bucket)).GetProperty("Status").GetString());

        var v1File = temp.File("v1");
        await File.WriteAllTextAsync(v1File, "first");
        var v1 = (await AwsJsonAsync("s3api", "put-object", "--bucket", bucket, "--key", "doc", "--body", v1File)).GetProperty("VersionId").GetString()!;
        await File.WriteAllTextAsync(v1File, "second");
        var v2 = (await AwsJsonAsync("s3api", "put-object", "--bucket", bucket, "--key", "doc", "--body", v1File)).GetProperty("VersionId").GetString()!;
        Assert.NotEqual(v1, v2);

        var delete = await AwsJsonAsync("s3api", "delete-object", "--bucket", bucket, "--key", "doc");
        Assert.True(delete.GetProperty("DeleteMarker").GetBoolean());
        var marker = delete.GetProperty("VersionId").GetString()!;

        var versions = await AwsJsonAsync("s3api", "list-object-versions", "--bucket", bucket);
        Assert.Equal([v2, v1], versions.GetProperty("Versions").EnumerateArray().Select(v => v.GetProperty("VersionId").GetString()));
        var markers = versions.GetProperty("DeleteMarkers").EnumerateArray().ToArray();
        Assert.Equal(marker, Assert.Single(markers).GetProperty("VersionId").GetString());
        Assert.True(markers[0].GetProperty("IsLatest").GetBoolean());

        var missing = await AwsAsync("s3api", "get-object", "--bucket", bucket, "--key", "doc", temp.File("out"));
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("NoSuchKey", missing.Stderr);
        await AwsJsonAsync("s3api", "get-object", "--bucket", bucket, "--key", "doc", "--version-id", v1, temp.File("old"));
        Assert.Equal("first", await File.ReadAllTextAsync(temp.File("old")));

        // Reaping the marker undeletes; reaping v2 falls back to v1.
        await AwsJsonAsync("s3api", "delete-object", "--bucket", bucket, "--key", "doc", "--version-id", marker);
        await AwsJsonAsync("s3api", "delete-object", "--bucket", bucket, "--key", "doc", "--version-id", v2);
        await AwsJsonAsync("s3api", "get-object", "--bucket", bucket, "--key", "doc", temp.File("now"));
        Assert.Equal("first", await File.ReadAllTextAsync(temp.File("now")));
    }

    [Theory]
    [InlineData(100)]
    [InlineData(1024)]
    public async Task Cp_of_a_large_file_goes_multipart_and_round_trips(int mebibytes)
    {
        var bucket = await NewBucketAsync("clibig");
        var source = temp.File($"big-{mebibytes}");
        var md5s = new List<byte[]>();
        using (var whole = MD5.Create())
        await using (var file = File.Create(source))
        {
            var rng = new Random(mebibytes);
            var chunk = new byte[8 * MiB];
            for (long written = 0; written < (long)mebibytes * MiB; written += chunk.Length)
            {
                rng.NextBytes(chunk);
                var part = chunk.AsMemory(0, (int)Math.Min(chunk.Length, (long)mebibytes * MiB - written));
                await file.WriteAsync(part);
                md5s.Add(MD5.HashData(part.Span));
            }
        }
        (await AwsAsync("s3", "cp", "--only-show-errors", source, $"s3://{bucket}/big")).Succeeded(fixture, "cp up");

        // The CLI's default chunk is 8 MiB, so the ETag is the MD5 of the parts' MD5s, then -N.
        var head = await AwsJsonAsync("s3api", "head-object", "--bucket", bucket, "--key", "big");
        var expected = $"\"{Convert.ToHexStringLower(MD5.HashData(md5s.SelectMany(m => m).ToArray()))}-{md5s.Count}\"";
        Assert.Equal(expected, head.GetProperty("ETag").GetString());
        Assert.Equal((long)mebibytes * MiB, head.GetProperty("ContentLength").GetInt64());

        var back = temp.File($"back-{mebibytes}");
        (await AwsAsync("s3", "cp", "--only-show-errors", $"s3://{bucket}/big", back)).Succeeded(fixture, "cp down");
        Assert.Equal(await HashFileAsync(source), await HashFileAsync(back));
        File.Delete(source);
        File.Delete(back);
        (await AwsAsync("s3", "rm", $"s3://{bucket}/big")).Succeeded(fixture, "rm");
    }

    private static async Task<string> HashFileAsync(string path)
    {
        await using var f = File.OpenRead(path);
        return Convert.ToHexString(await SHA256.HashDataAsync(f));
    }
}
