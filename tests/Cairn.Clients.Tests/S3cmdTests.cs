using System.Security.Cryptography;
using Cairn.Testing;

namespace Cairn.Clients.Tests;

/// <summary>s3cmd 2.3 (Debian), path-style, without a config file.</summary>
public sealed class S3cmdTests(ServerFixture fixture) : IClassFixture<ServerFixture>, IDisposable
{
    private readonly TempDir temp = new("cairn-s3cmd");

    public void Dispose() => temp.Dispose();

    private Task<ProcessResult> S3cmdAsync(params string[] args)
    {
        var host = fixture.Server.Endpoint["http://".Length..];
        return ExternalClients.RunAsync(ExternalClients.S3cmd,
            ["-c", "/dev/null", "--no-ssl", $"--host={host}", $"--host-bucket={host}",
             $"--access_key={ServerProcess.AccessKey}", $"--secret_key={ServerProcess.SecretKey}", $"--region={ServerProcess.Region}",
             "--no-progress", .. args],
            ExternalClients.Environment(temp.Sub("home")));
    }

    private async Task<ProcessResult> S3cmdOkAsync(params string[] args) =>
        (await S3cmdAsync(args)).Succeeded(fixture, "s3cmd " + string.Join(' ', args));

    private async Task<string> NewBucketAsync(string hint)
    {
        var bucket = ServerFixture.NewBucketName(hint);
        var mb = await S3cmdOkAsync("mb", $"s3://{bucket}");
        Assert.Contains($"Bucket 's3://{bucket}/' created", mb.Stdout);
        return bucket;
    }

    private static string[] Lines(ProcessResult r) => r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Theory]
    [InlineData(0)]
    [InlineData(777)]
    [InlineData(3 * 1024 * 1024 + 5)]
    public async Task Put_then_get_round_trips_byte_exact(int size)
    {
        var bucket = await NewBucketAsync("put");
        var data = RandomNumberGenerator.GetBytes(size);
        var up = temp.File("up.bin");
        await File.WriteAllBytesAsync(up, data);
        await S3cmdOkAsync("put", up, $"s3://{bucket}/some dir/file +%=.bin");

        var down = temp.File("down.bin");
        await S3cmdOkAsync("get", "--force", $"s3://{bucket}/some dir/file +%=.bin", down);
        Assert.True(Bytes.Same(data, await File.ReadAllBytesAsync(down)), "downloaded bytes differ");

        // s3cmd checks the MD5 of what it downloaded against the ETag; a missing object is an error
        // (s3cmd lists the source first and reports it itself).
        var missing = await S3cmdAsync("get", "--force", $"s3://{bucket}/nope", temp.File("nope"));
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains($"Source object 's3://{bucket}/nope' does not exist", missing.Stderr);
    }

    [Fact]
    public async Task Ls_and_la_list_buckets_directories_and_objects()
    {
        var bucket = await NewBucketAsync("ls");
        var file = temp.File("f");
        await File.WriteAllBytesAsync(file, new byte[1000]);
        await S3cmdOkAsync("put", file, $"s3://{bucket}/top.bin");
        await S3cmdOkAsync("put", file, $"s3://{bucket}/dir/inner.bin");

        var buckets = Lines(await S3cmdOkAsync("ls"));
        Assert.Contains(buckets, l => l.EndsWith($"  s3://{bucket}", StringComparison.Ordinal));

        var top = Lines(await S3cmdOkAsync("ls", $"s3://{bucket}"));
        Assert.Equal(2, top.Length);
        Assert.Matches($@"^\s+DIR\s+s3://{bucket}/dir/$", top[0]);
        Assert.Matches($@"^\d{{4}}-\d\d-\d\d \d\d:\d\d\s+1000\s+s3://{bucket}/top.bin$", top[1]);

        var recursive = Lines(await S3cmdOkAsync("ls", "--recursive", $"s3://{bucket}"));
        Assert.Equal([$"s3://{bucket}/dir/inner.bin", $"s3://{bucket}/top.bin"], recursive.Select(l => l.Split("  ").Last().Trim()).ToArray());

        var all = (await S3cmdOkAsync("la")).Stdout;
        Assert.Contains($"s3://{bucket}/top.bin", all);
        Assert.Contains($"s3://{bucket}/dir/", all);
    }

    [Fact]
    public async Task Del_removes_objects_and_rb_removes_the_bucket()
    {
        var bucket = await NewBucketAsync("del");
        var file = temp.File("f");
        await File.WriteAllTextAsync(file, "x");
        await S3cmdOkAsync("put", file, $"s3://{bucket}/a");
        await S3cmdOkAsync("put", file, $"s3://{bucket}/d/b");
        await S3cmdOkAsync("put", file, $"s3://{bucket}/d/c c");

        var del = await S3cmdOkAsync("del", $"s3://{bucket}/a");
        Assert.Contains($"delete: 's3://{bucket}/a'", del.Stdout);
        var notEmpty = await S3cmdAsync("rb", $"s3://{bucket}");
        Assert.NotEqual(0, notEmpty.ExitCode);
        Assert.Contains("BucketNotEmpty", notEmpty.Stderr);

        var delRecursive = await S3cmdOkAsync("del", "--recursive", "--force", $"s3://{bucket}/d/");
        Assert.Equal(2, Lines(delRecursive).Count(l => l.StartsWith("delete: ", StringComparison.Ordinal)));
        Assert.Empty(Lines(await S3cmdOkAsync("ls", "--recursive", $"s3://{bucket}")));

        await S3cmdOkAsync("rb", $"s3://{bucket}");
        Assert.DoesNotContain(Lines(await S3cmdOkAsync("ls")), l => l.EndsWith($"s3://{bucket}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sync_of_a_directory_tree_round_trips_byte_exact()
    {
        var bucket = await NewBucketAsync("sync");
        var source = temp.Sub("source");
        var files = Trees.Create(source, seed: 3, [("big/one.bin", 2 * 1024 * 1024)]);

        var up = await S3cmdOkAsync("sync", source + "/", $"s3://{bucket}/tree/");
        Assert.Equal(files.Count, Lines(up).Count(l => l.StartsWith("upload: ", StringComparison.Ordinal)));

        var back = temp.Sub("back");
        await S3cmdOkAsync("sync", $"s3://{bucket}/tree/", back + "/");
        Trees.AssertEqual(source, back);

        // Unchanged tree: sync compares sizes and MD5 (ETag) and transfers nothing.
        var again = await S3cmdOkAsync("sync", source + "/", $"s3://{bucket}/tree/");
        Assert.DoesNotContain(Lines(again), l => l.StartsWith("upload: ", StringComparison.Ordinal));

        // A changed file (same size, other bytes) is uploaded again; --delete-removed deletes a removed one.
        var changed = Path.Combine(source, "with space.txt");
        var bytes = await File.ReadAllBytesAsync(changed);
        bytes[0] ^= 0xFF;
        await File.WriteAllBytesAsync(changed, bytes);
        File.Delete(Path.Combine(source, "dir one/100% sure.txt"));
        var update = await S3cmdOkAsync("sync", "--delete-removed", source + "/", $"s3://{bucket}/tree/");
        Assert.Single(Lines(update), l => l.StartsWith("upload: ", StringComparison.Ordinal) && l.Contains("with space.txt"));
        Assert.Contains(Lines(update), l => l.StartsWith("delete: ", StringComparison.Ordinal) && l.Contains("100% sure.txt"));

        var back2 = temp.Sub("back2");
        await S3cmdOkAsync("sync", $"s3://{bucket}/tree/", back2 + "/");
        Trees.AssertEqual(source, back2);
    }

    [Fact]
    public async Task Info_reports_size_md5_type_and_metadata()
    {
        var bucket = await NewBucketAsync("info");
        var data = RandomNumberGenerator.GetBytes(2048);
        var file = temp.File("picture.png");
        await File.WriteAllBytesAsync(file, data);
        // s3cmd sniffs the type from the content with libmagic (random bytes: octet-stream): set it explicitly.
        await S3cmdOkAsync("put", "--mime-type=image/png", "--add-header=Cache-Control:max-age=99", file, $"s3://{bucket}/pic.png");

        var info = (await S3cmdOkAsync("info", $"s3://{bucket}/pic.png")).Stdout;
        Assert.Contains($"s3://{bucket}/pic.png (object):", info);
        Assert.Matches(@"File size:\s+2048\n", info);
        Assert.Matches($@"MD5 sum:\s+{Convert.ToHexStringLower(MD5.HashData(data))}\n", info);
        Assert.Matches(@"MIME type:\s+image/png\n", info);
        // s3cmd stores file attributes in x-amz-meta-s3cmd-attrs and shows them back.
        Assert.Matches($@"x-amz-meta-s3cmd-attrs:.*md5:{Convert.ToHexStringLower(MD5.HashData(data))}", info);

        var head = await fixture.S3.GetObjectMetadataAsync(bucket, "pic.png");
        Assert.Equal("max-age=99", head.Headers.CacheControl);
        Assert.Equal("image/png", head.Headers.ContentType);

        var bucketInfo = (await S3cmdOkAsync("info", $"s3://{bucket}")).Stdout;
        Assert.Contains($"s3://{bucket}/ (bucket):", bucketInfo);
        Assert.Matches(@"Location:\s+us-east-1\n", bucketInfo);
    }

    [Fact]
    public async Task Files_over_the_chunk_size_go_multipart_and_round_trip()
    {
        var bucket = await NewBucketAsync("s3cmpu");
        var data = new byte[12 * 1024 * 1024 + 77];
        new Random(12).NextBytes(data);
        var source = temp.File("mpu.bin");
        await File.WriteAllBytesAsync(source, data);
        await S3cmdOkAsync("put", "--multipart-chunk-size-mb=5", source, $"s3://{bucket}/mpu.bin");
        var head = await fixture.S3.GetObjectMetadataAsync(bucket, "mpu.bin");
        Assert.EndsWith("-3\"", head.ETag);
        var back = temp.File("mpu.back");
        await S3cmdOkAsync("get", $"s3://{bucket}/mpu.bin", back);
        Assert.True(Bytes.Same(data, await File.ReadAllBytesAsync(back)));
    }
}
