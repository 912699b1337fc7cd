using System.Diagnostics;
using System.Security.Cryptography;
using Amazon.S3.Model;
using Cairn.Testing;

namespace Cairn.System.Tests;

/// <summary>
/// Damage a GET runs into is repaired at once, not left for the next full scrub: the server runs with
/// scheduled scrubs off and no test calls scrub or repair, yet the damaged fragment file is rewritten.
/// </summary>
public sealed class ReadRepairTests(ErasureCodedServerFixture fixture) : IClassFixture<ErasureCodedServerFixture>
{
    private const int Stripe = 4 * 256 * 1024;
    private static readonly TimeSpan RepairDeadline = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_fragment_that_fails_its_checksum_on_GET_is_rewritten_with_good_bytes_without_a_scrub()
    {
        var (bucket, key, data, fragments) = await PutStripedObjectAsync("rot");
        // Slot 0 is a data shard of every stripe, so a whole-object GET reads it and meets the rot.
        var rotten = fragments[0];
        var good = await File.ReadAllBytesAsync(rotten);
        var bytes = good.ToArray();
        for (var i = 0; i < 3; i++) bytes[100 + i * 997] ^= 0xFF;
        await File.WriteAllBytesAsync(rotten, bytes);

        var read = await GetAsync(bucket, key);
        Assert.True(data.AsSpan().SequenceEqual(read), "the GET must serve the object's bytes, rebuilt from parity");
        await AssertRewrittenAsync(rotten, good);
    }

    [Fact]
    public async Task A_fragment_missing_on_GET_is_rebuilt_without_a_scrub()
    {
        var (bucket, key, data, fragments) = await PutStripedObjectAsync("missing");
        var missing = fragments[1];
        var good = await File.ReadAllBytesAsync(missing);
        File.Delete(missing);

        var read = await GetAsync(bucket, key);
        Assert.True(data.AsSpan().SequenceEqual(read), "the GET must serve the object's bytes, rebuilt from parity");
        await AssertRewrittenAsync(missing, good);
    }

    /// <summary>PUTs a two-and-a-bit-stripe object and returns its fragment files, by slot.</summary>
    private async Task<(string Bucket, string Key, byte[] Data, string[] FragmentsBySlot)> PutStripedObjectAsync(string hint)
    {
        var bucket = ServerFixture.NewBucketName(hint);
        await fixture.S3.PutBucketAsync(bucket);
        var before = fixture.FragmentFiles();
        var data = RandomNumberGenerator.GetBytes(2 * Stripe + 12345);
        await fixture.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "object", InputStream = new MemoryStream(data) });
        var written = fixture.FragmentFiles().Except(before).ToList();
        Assert.Equal(6, written.Count);
        var bySlot = written.OrderBy(f => int.Parse(Path.GetExtension(f).TrimStart('.'))).ToArray();
        return (bucket, "object", data, bySlot);
    }

    private async Task<byte[]> GetAsync(string bucket, string key)
    {
        using var get = await fixture.S3.GetObjectAsync(bucket, key);
        using var copy = new MemoryStream();
        await get.ResponseStream.CopyToAsync(copy);
        return copy.ToArray();
    }

    /// <summary>Polls the fragment file until it holds its original bytes again (a rebuild is byte-identical).</summary>
    private static async Task AssertRewrittenAsync(string fragment, byte[] good)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < RepairDeadline)
        {
            var now = File.Exists(fragment) ? await File.ReadAllBytesAsync(fragment) : null;
            if (now is not null && good.AsSpan().SequenceEqual(now)) return;
            await Task.Delay(200);
        }
        Assert.Fail($"{Path.GetFileName(fragment)} was not rebuilt within {RepairDeadline.TotalSeconds} s of the GET that found it damaged");
    }
}
