using System.Net;
using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;
using Cairn.Testing;

namespace Cairn.System.Tests;

/// <summary>What happens to the bytes on the drive: rot is never served, replaced bytes are freed, restarts keep everything.</summary>
public sealed class BytesOnDiskTests
{
    [Theory]
    [InlineData(100)]               // the first block: caught before any header is sent
    [InlineData(2 * 1024 * 1024)]   // a later block: caught mid-stream
    public async Task A_flipped_byte_in_a_fragment_is_never_served(int corruptAt)
    {
        await using var server = await ServerProcess.StartAsync();
        using var s3 = server.Client();
        await s3.PutBucketAsync("rot");
        var data = RandomNumberGenerator.GetBytes(3 * 1024 * 1024);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = "rot", Key = "k", InputStream = new MemoryStream(data) });

        var fragment = Directory.EnumerateFiles(Path.Combine(server.DataPath, "drives", "d0", "fragments"), "*", SearchOption.AllDirectories).Single();
        await using (var f = new FileStream(fragment, FileMode.Open, FileAccess.ReadWrite))
        {
            // Data byte corruptAt sits after the 16-byte header and one 8-byte checksum per preceding 64 KiB block.
            f.Position = 16 + corruptAt + corruptAt / (64 * 1024) * 8;
            var b = f.ReadByte();
            f.Position--;
            f.WriteByte((byte)(b ^ 0x5A));
        }

        using var http = new HttpClient();
        var url = Cairn.Auth.SigV4Signer.Presign(HttpMethod.Get, new Uri($"{server.Endpoint}/rot/k"), ServerProcess.AccessKey, ServerProcess.SecretKey,
            ServerProcess.Region, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5));
        byte[]? served = null;
        try
        {
            using var response = await http.GetAsync(url);
            if (response.StatusCode == HttpStatusCode.OK) served = await response.Content.ReadAsByteArrayAsync();
        }
        catch (HttpRequestException)
        {
            // The server cut the connection mid-body: the honest outcome.
        }
        Assert.True(served is null || served.AsSpan().SequenceEqual(data), "corrupt bytes were served");
        Assert.Null(served);
    }

    [Fact]
    public async Task Overwritten_and_deleted_objects_free_their_bytes()
    {
        await using var server = await ServerProcess.StartAsync();
        using var s3 = server.Client();
        await s3.PutBucketAsync("gc-bucket");
        for (var i = 0; i < 3; i++)
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = "gc-bucket", Key = "k", InputStream = new MemoryStream(RandomNumberGenerator.GetBytes(1_000_000)) });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = "gc-bucket", Key = "gone", InputStream = new MemoryStream(RandomNumberGenerator.GetBytes(1_000_000)) });
        await s3.DeleteObjectAsync("gc-bucket", "gone");
        await WaitForAsync(() => server.FragmentFiles() == 1);
        Assert.Equal(1, server.FragmentFiles());
    }

    [Fact]
    public async Task Objects_and_buckets_survive_a_restart()
    {
        await using var server = await ServerProcess.StartAsync();
        var big = RandomNumberGenerator.GetBytes(700_000);
        using (var s3 = server.Client())
        {
            await s3.PutBucketAsync("keep");
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = "keep", Key = "small", ContentBody = "tiny" });
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = "keep", Key = "big", InputStream = new MemoryStream(big) });
        }
        await server.RestartAsync();
        using (var s3 = server.Client())
        {
            using var small = await s3.GetObjectAsync("keep", "small");
            Assert.Equal("tiny", await new StreamReader(small.ResponseStream).ReadToEndAsync());
            using var large = await s3.GetObjectAsync("keep", "big");
            using var m = new MemoryStream();
            await large.ResponseStream.CopyToAsync(m);
            Assert.Equal(big, m.ToArray());
        }
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition() && DateTime.UtcNow < deadline) await Task.Delay(100);
    }

}
