using Cairn.Testing;

namespace Cairn.Clients.Tests;

/// <summary>rclone 1.60 (Debian) with an S3 remote named "cairn" configured only through environment variables.</summary>
public sealed class RcloneTests(ServerFixture fixture) : IClassFixture<ServerFixture>, IDisposable
{
    private readonly TempDir temp = new("cairn-rclone");

    public void Dispose() => temp.Dispose();

    private Task<ProcessResult> RcloneAsync(params string[] args)
    {
        // ExternalClients.Environment removes AWS_CA_BUNDLE, which rclone 1.60 refuses to start with (FIELD-NOTES).
        var env = ExternalClients.Environment(temp.Sub("home"));
        env["RCLONE_CONFIG"] = "/dev/null";
        env["RCLONE_CONFIG_CAIRN_TYPE"] = "s3";
        env["RCLONE_CONFIG_CAIRN_PROVIDER"] = "Other";
        env["RCLONE_CONFIG_CAIRN_ENDPOINT"] = fixture.Server.Endpoint;
        env["RCLONE_CONFIG_CAIRN_ACCESS_KEY_ID"] = ServerProcess.AccessKey;
        env["RCLONE_CONFIG_CAIRN_SECRET_ACCESS_KEY"] = ServerProcess.SecretKey;
        env["RCLONE_CONFIG_CAIRN_REGION"] = ServerProcess.Region;
        return ExternalClients.RunAsync(ExternalClients.Rclone, ["--retries", "1", "--low-level-retries", "1", .. args], env);
    }

    private async Task<ProcessResult> RcloneOkAsync(params string[] args) =>
        (await RcloneAsync(args)).Succeeded(fixture, "rclone " + string.Join(' ', args));

    private static string[] Lines(ProcessResult r) => r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Several hundred small files in nested directories, a few MiB-sized ones, and the awkward names.</summary>
    private string CreateTree(string name, out IReadOnlyList<string> files)
    {
        var root = temp.Sub(name);
        var extra = new List<(string, int)>();
        for (int i = 0; i < 400; i++) extra.Add(($"small/d{i % 7}/e{i % 3}/f{i:D3}.txt", 1 + i * 13 % 2000));
        for (int i = 0; i < 3; i++) extra.Add(($"large/blob {i}.bin", (1 + i) * 1024 * 1024 + i * 4097));
        files = Trees.Create(root, seed: 4, extra);
        return root;
    }

    [Fact]
    public async Task Copy_of_a_directory_tree_round_trips_and_check_finds_no_differences()
    {
        var bucket = ServerFixture.NewBucketName("copy");
        var source = CreateTree("source", out var files);
        await RcloneOkAsync("mkdir", $"cairn:{bucket}");

        await RcloneOkAsync("copy", "--transfers", "8", "--checkers", "8", source, $"cairn:{bucket}/data");
        var listed = Lines(await RcloneOkAsync("lsf", "-R", "--files-only", $"cairn:{bucket}/data"));
        Assert.Equal(files.Order(StringComparer.Ordinal), listed.Order(StringComparer.Ordinal));

        var check = await RcloneOkAsync("check", source, $"cairn:{bucket}/data");
        Assert.Contains("0 differences found", check.Stderr);
        Assert.Contains($"{files.Count} matching files", check.Stderr);

        var back = temp.Sub("back");
        await RcloneOkAsync("copy", "--transfers", "8", $"cairn:{bucket}/data", back);
        Trees.AssertEqual(source, back);

        // rclone keeps the modification time in x-amz-meta-mtime and restores it on download.
        foreach (var f in files.Take(20))
        {
            var expected = File.GetLastWriteTimeUtc(Path.Combine(source, f));
            var actual = File.GetLastWriteTimeUtc(Path.Combine(back, f));
            Assert.True(Math.Abs((expected - actual).TotalMilliseconds) < 1, $"{f}: mtime {actual:O}, expected {expected:O}");
        }

        // check must notice a difference: change the content of one file (same size) and remove another remotely.
        var changed = Path.Combine(source, "small/d1/e1/f001.txt");
        var bytes = await File.ReadAllBytesAsync(changed);
        bytes[0] ^= 0x55;
        await File.WriteAllBytesAsync(changed, bytes);
        await RcloneOkAsync("deletefile", $"cairn:{bucket}/data/with space.txt");
        var differ = await RcloneAsync("check", source, $"cairn:{bucket}/data");
        Assert.NotEqual(0, differ.ExitCode);
        Assert.Contains("2 differences found", differ.Stderr);
        Assert.Contains("small/d1/e1/f001.txt", differ.Stderr);
        Assert.Contains("with space.txt", differ.Stderr);

        // sync repairs both; check agrees again.
        await RcloneOkAsync("sync", source, $"cairn:{bucket}/data");
        Assert.Contains("0 differences found", (await RcloneOkAsync("check", "--download", source, $"cairn:{bucket}/data")).Stderr);
    }

    [Fact]
    public async Task Lsf_lists_directories_files_sizes_and_hashes()
    {
        var bucket = ServerFixture.NewBucketName("lsf");
        var source = temp.Sub("lsf");
        File.WriteAllText(Path.Combine(source, "a.txt"), "hello");
        Directory.CreateDirectory(Path.Combine(source, "sub dir"));
        File.WriteAllText(Path.Combine(source, "sub dir", "b+c=d.txt"), "world!");
        await RcloneOkAsync("mkdir", $"cairn:{bucket}");
        await RcloneOkAsync("copy", source, $"cairn:{bucket}");

        // lsf prints in listing order, directories as they are walked: compare sorted.
        Assert.Equal(["a.txt", "sub dir/"], Lines(await RcloneOkAsync("lsf", $"cairn:{bucket}")).Order(StringComparer.Ordinal));
        Assert.Equal(["a.txt", "sub dir/", "sub dir/b+c=d.txt"], Lines(await RcloneOkAsync("lsf", "-R", $"cairn:{bucket}")).Order(StringComparer.Ordinal));
        static string Md5(string text) => Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(System.Text.Encoding.UTF8.GetBytes(text)));
        Assert.Equal([$"a.txt;5;{Md5("hello")}", $"sub dir/b+c=d.txt;6;{Md5("world!")}"],
            Lines(await RcloneOkAsync("lsf", "-R", "--files-only", "--format", "psh", "--separator", ";", $"cairn:{bucket}")).Order(StringComparer.Ordinal));
        Assert.Contains(Lines(await RcloneOkAsync("lsf", "cairn:")), l => l == bucket + "/");
    }

    [Fact]
    public async Task Delete_removes_files_and_purge_removes_the_bucket()
    {
        var bucket = ServerFixture.NewBucketName("purge");
        var source = temp.Sub("purge");
        for (int i = 0; i < 30; i++)
        {
            var dir = Path.Combine(source, i % 2 == 0 ? "even" : "odd", $"n{i % 3}");
            Directory.CreateDirectory(dir);
            File.WriteAllText(Path.Combine(dir, $"file {i}.txt"), new string('x', i));
        }
        await RcloneOkAsync("mkdir", $"cairn:{bucket}");
        await RcloneOkAsync("copy", source, $"cairn:{bucket}");
        Assert.Equal(30, Lines(await RcloneOkAsync("lsf", "-R", "--files-only", $"cairn:{bucket}")).Length);

        // delete with a filter removes only the matching files.
        await RcloneOkAsync("delete", "--include", "*/n0/**", $"cairn:{bucket}");
        var left = Lines(await RcloneOkAsync("lsf", "-R", "--files-only", $"cairn:{bucket}"));
        Assert.Equal(20, left.Length);
        Assert.DoesNotContain(left, l => l.Contains("/n0/"));

        await RcloneOkAsync("delete", $"cairn:{bucket}/odd");
        left = Lines(await RcloneOkAsync("lsf", "-R", "--files-only", $"cairn:{bucket}"));
        Assert.Equal(10, left.Length);
        Assert.All(left, l => Assert.StartsWith("even/", l));

        await RcloneOkAsync("purge", $"cairn:{bucket}");
        Assert.DoesNotContain(Lines(await RcloneOkAsync("lsf", "cairn:")), l => l == bucket + "/");
        var gone = await RcloneAsync("lsf", $"cairn:{bucket}");
        Assert.NotEqual(0, gone.ExitCode);
        var head = await fixture.S3.ListBucketsAsync();
        Assert.DoesNotContain(head.Buckets ?? [], b => b.BucketName == bucket);
    }

    [Fact]
    public async Task Large_files_go_multipart_with_small_chunks_and_check_clean()
    {
        var bucket = ServerFixture.NewBucketName("rcmpu");
        var source = temp.Sub("mpu-source");
        var data = new byte[13 * 1024 * 1024 + 321];
        new Random(9).NextBytes(data);
        await File.WriteAllBytesAsync(Path.Combine(source, "big.bin"), data);
        await RcloneOkAsync("mkdir", $"cairn:{bucket}");
        // Cut-off and chunk at 5 MiB: a 13 MiB file becomes a 3-part upload.
        await RcloneOkAsync("copy", "--s3-upload-cutoff", "5M", "--s3-chunk-size", "5M", source, $"cairn:{bucket}");
        var head = await fixture.S3.GetObjectMetadataAsync(bucket, "big.bin");
        Assert.EndsWith("-3\"", head.ETag);
        var check = await RcloneOkAsync("check", "--download", source, $"cairn:{bucket}");
        Assert.Contains("0 differences found", check.Stderr);
    }
}
