using System.Security.Cryptography;
using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using Cairn.Testing;

namespace Cairn.System.Tests;

/// <summary>A real server with six drives coded 4+2: lost drives, rotten fragments, repair, returning drives.</summary>
public sealed class ErasureCodingTests
{
    private const int Stripe = 4 * 256 * 1024;

    [Fact]
    public async Task Objects_survive_two_lost_drives_and_rot_on_a_third_and_repair_restores_full_protection()
    {
        var root = Path.Combine(Path.GetTempPath(), "cairn-ec-" + Guid.NewGuid().ToString("N")[..8]);
        var drives = Enumerable.Range(0, 6).Select(i => Path.Combine(root, $"drive{i}")).ToArray();
        await using var server = await ServerProcess.StartAsync("--drives", string.Join(',', drives), "--ec", "4+2", "--scrub-interval", "0");
        try
        {
            using var s3 = server.Client();
            await s3.PutBucketAsync("ec-bucket");
            var sizes = new[] { 0, 1, Stripe - 1, Stripe, Stripe + 1, 3 * Stripe + 12345, 50 * 1024 * 1024 };
            var objects = sizes.ToDictionary(size => $"obj-{size}", size => RandomNumberGenerator.GetBytes(size));
            foreach (var (key, data) in objects)
                await s3.PutObjectAsync(new PutObjectRequest { BucketName = "ec-bucket", Key = key, InputStream = new MemoryStream(data) });
            var drivesJson = await AdminAsync(server, "drives");
            Assert.Equal(6, drivesJson.RootElement.GetArrayLength());
            Assert.All(drivesJson.RootElement.EnumerateArray(), d => Assert.True(d.GetProperty("fragments").GetInt64() > 0));

            var clean = await AdminAsync(server, "scrub");
            Assert.Equal(0, clean.RootElement.GetProperty("fragmentsLost").GetInt64());

            // Two whole drives die: every object still reads back exactly, rebuilt from parity.
            Directory.Delete(drives[1], recursive: true);
            Directory.Delete(drives[3], recursive: true);
            await AssertAllReadBackAsync(s3, objects);

            // They come back (replaced, empty disks): reintegrated, and repair rebuilds onto them.
            Directory.CreateDirectory(drives[1]);
            Directory.CreateDirectory(drives[3]);
            await WaitForAsync(async () => (await AdminAsync(server, "drives")).RootElement.EnumerateArray().All(d => d.GetProperty("state").GetString() == "online"));
            await RepairToFullProtectionAsync(server);

            // Rot on a third drive: reads stay exact, and repair rewrites the rotten fragments.
            Rot(drives[5]);
            await AssertAllReadBackAsync(s3, objects);
            await RepairToFullProtectionAsync(server);

            // Full protection again: two other drives may go.
            Directory.Delete(drives[0], recursive: true);
            Directory.Delete(drives[2], recursive: true);
            await AssertAllReadBackAsync(s3, objects);

            // Beyond m (two drives gone and rot on a third) a read may fail, but never returns wrong bytes.
            Rot(drives[4]);
            foreach (var (key, data) in objects)
            {
                try
                {
                    var read = await ReadAsync(s3, "ec-bucket", key);
                    Assert.True(data.SequenceEqual(read), $"{key} returned corrupt bytes");
                }
                catch (AmazonS3Exception) { }
                catch (IOException) { }
                catch (HttpRequestException) { }
            }

            var durability = await AdminAsync(server, "durability");
            Assert.True(durability.RootElement.GetProperty("fragmentsRebuilt").GetInt64() > 0);
            Assert.True(durability.RootElement.GetProperty("estimatedAnnualNines").GetDouble() > 0);
        }
        finally
        {
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task Writes_need_at_least_k_drives()
    {
        var root = Path.Combine(Path.GetTempPath(), "cairn-ec-" + Guid.NewGuid().ToString("N")[..8]);
        var drives = Enumerable.Range(0, 6).Select(i => Path.Combine(root, $"drive{i}")).ToArray();
        await using var server = await ServerProcess.StartAsync("--drives", string.Join(',', drives), "--ec", "4+2", "--scrub-interval", "0");
        try
        {
            using var s3 = server.Client();
            await s3.PutBucketAsync("ec-writes");
            foreach (var i in new[] { 0, 2 }) Directory.Delete(drives[i], recursive: true);
            var data = RandomNumberGenerator.GetBytes(2 * Stripe);
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = "ec-writes", Key = "degraded", InputStream = new MemoryStream(data) });
            Assert.Equal(data, await ReadAsync(s3, "ec-writes", "degraded"));
            Directory.Delete(drives[4], recursive: true);
            var e = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() =>
                s3.PutObjectAsync(new PutObjectRequest { BucketName = "ec-writes", Key = "refused", InputStream = new MemoryStream(data) }));
            Assert.Equal(503, (int)e.StatusCode);
            var missing = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => ReadAsync(s3, "ec-writes", "refused"));
            Assert.Equal("NoSuchKey", missing.ErrorCode);
        }
        finally
        {
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>
    /// Runs admin repair and checks every stripe is back to 4+2. What the reads above found damaged may
    /// already have been rebuilt by read repair, so this pass need not find anything itself; the
    /// durability view at the end shows that fragments were rebuilt.
    /// </summary>
    private static async Task RepairToFullProtectionAsync(ServerProcess server)
    {
        var repair = await AdminAsync(server, "repair");
        Assert.Equal(0, repair.RootElement.GetProperty("blobsUnrepairable").GetInt64());
        Assert.Equal(0, repair.RootElement.GetProperty("blobsLeftDegraded").GetInt64());
        var scrub = await AdminAsync(server, "scrub");
        Assert.Equal(0, scrub.RootElement.GetProperty("fragmentsLost").GetInt64()); // every stripe back to 4+2
    }

    /// <summary>Flips a few random bytes in every fragment file of a drive.</summary>
    private static void Rot(string drive)
    {
        var rng = new Random(drive.GetHashCode());
        foreach (var file in Directory.EnumerateFiles(Path.Combine(drive, "fragments"), "*", SearchOption.AllDirectories))
        {
            var bytes = File.ReadAllBytes(file);
            if (bytes.Length <= 16) continue;
            for (var i = 0; i < 3; i++) bytes[16 + rng.Next(bytes.Length - 16)] ^= 0xFF;
            File.WriteAllBytes(file, bytes);
        }
    }

    private static async Task AssertAllReadBackAsync(AmazonS3Client s3, Dictionary<string, byte[]> objects)
    {
        foreach (var (key, data) in objects)
        {
            var read = await ReadAsync(s3, "ec-bucket", key);
            Assert.True(data.AsSpan().SequenceEqual(read), $"{key} did not read back byte-exact");
        }
    }

    private static async Task<byte[]> ReadAsync(AmazonS3Client s3, string bucket, string key)
    {
        using var get = await s3.GetObjectAsync(bucket, key);
        using var m = new MemoryStream();
        await get.ResponseStream.CopyToAsync(m);
        return m.ToArray();
    }

    private static async Task<JsonDocument> AdminAsync(ServerProcess server, string command)
    {
        var result = await ProcessRunner.RunAsync(ServerProcess.CairnCommand("admin", command, "--json", "--endpoint", server.Endpoint), TimeSpan.FromMinutes(5));
        Assert.True(result.ExitCode == 0, result.ToString());
        // scrub and repair print their progress as JSON lines first; the last line is the pass's summary.
        return JsonDocument.Parse(command is "scrub" or "repair" ? result.Stdout.TrimEnd().Split('\n')[^1] : result.Stdout);
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition() && DateTime.UtcNow < deadline) await Task.Delay(250);
    }
}
