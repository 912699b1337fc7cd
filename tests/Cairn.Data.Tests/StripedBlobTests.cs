using System.Security.Cryptography;
using Cairn.Core.Blobs;
using Cairn.Core.Errors;
using Cairn.Data.Blobs;
using Cairn.Data.Drives;
using Cairn.Data.Fragments;
using Cairn.Placement;

namespace Cairn.Data.Tests;

/// <summary>Blobs coded 4+2 over six directory drives: round trips, degraded reads, and write-time failures.</summary>
public sealed class StripedBlobTests : IDisposable
{
    private const int Shard = 64 * 1024;
    private readonly string root = Path.Combine(Path.GetTempPath(), "cairn-ec-" + Guid.NewGuid().ToString("N"));
    private readonly Dictionary<string, IFragmentStore> drives = [];
    private readonly BlobStore store;

    public StripedBlobTests()
    {
        for (var i = 0; i < 6; i++) drives[$"d{i}"] = new LocalDrive($"d{i}", Path.Combine(root, $"d{i}"));
        var map = drives.Keys.Select(id => new DriveEntry(id, $"z/r/n/{id}")).ToArray();
        store = new BlobStore(drives, new RendezvousPlacement(map), new ErasureSettings(4, 2, Shard));
    }

    public static TheoryData<int> Sizes => new() { 0, 1, 4 * Shard - 1, 4 * Shard, 4 * Shard + 1, 3 * 4 * Shard + 12345 };

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task Every_size_round_trips_and_ranges_read_exactly(int size)
    {
        var data = RandomNumberGenerator.GetBytes(size);
        using var draft = await store.WriteAsync(new MemoryStream(data));
        Assert.Equal(6, draft.Layout.Drives.Distinct().Count());
        Assert.Empty(draft.Layout.MissingSlots);
        Assert.Equal(data, await ReadAsync(draft.Layout, 0, size));
        var rng = new Random(size);
        for (var i = 0; i < 10 && size > 0; i++)
        {
            var first = rng.Next(size);
            var length = rng.Next(1, size - first + 1);
            Assert.Equal(data.AsSpan(first, length).ToArray(), await ReadAsync(draft.Layout, first, length));
        }
    }

    [Fact]
    public async Task Losing_any_two_fragments_still_reads_exactly()
    {
        var data = RandomNumberGenerator.GetBytes(5 * 4 * Shard + 777);
        using var draft = await store.WriteAsync(new MemoryStream(data));
        for (var a = 0; a < 6; a++)
        for (var b = a + 1; b < 6; b++)
        {
            var hidden = new[] { a, b }.Select(slot => Hide(draft.Layout, slot)).ToArray();
            Assert.Equal(data, await ReadAsync(draft.Layout, 0, data.Length));
            foreach (var (from, to) in hidden) File.Move(to, from);
        }
    }

    [Fact]
    public async Task Rotten_blocks_in_two_fragments_are_rebuilt_never_served()
    {
        var data = RandomNumberGenerator.GetBytes(3 * 4 * Shard);
        using var draft = await store.WriteAsync(new MemoryStream(data));
        Flip(draft.Layout, slot: 0, at: 100);
        Flip(draft.Layout, slot: 3, at: Shard + 5);
        Assert.Equal(data, await ReadAsync(draft.Layout, 0, data.Length));
    }

    [Fact]
    public async Task Three_lost_fragments_of_a_4_plus_2_blob_fail_rather_than_return_wrong_bytes()
    {
        var data = RandomNumberGenerator.GetBytes(4 * Shard);
        using var draft = await store.WriteAsync(new MemoryStream(data));
        foreach (var slot in new[] { 0, 1, 5 }) Hide(draft.Layout, slot);
        await Assert.ThrowsAsync<FragmentCorruptException>(() => ReadAsync(draft.Layout, 0, data.Length));
    }

    [Fact]
    public async Task Writes_succeed_with_up_to_m_drives_down_and_record_the_missing_slots()
    {
        Directory.Delete(Path.Combine(root, "d1"), recursive: true);
        Directory.Delete(Path.Combine(root, "d4"), recursive: true);
        var data = RandomNumberGenerator.GetBytes(2 * 4 * Shard + 3);
        using var draft = await store.WriteAsync(new MemoryStream(data));
        Assert.Equal(2, draft.Layout.MissingSlots.Count);
        Assert.All(draft.Layout.MissingSlots, slot => Assert.Contains(draft.Layout.Drives[slot], new[] { "d1", "d4" }));
        Assert.Equal(data, await ReadAsync(draft.Layout, 0, data.Length));

        Directory.Delete(Path.Combine(root, "d2"), recursive: true);
        var e = await Assert.ThrowsAsync<S3Exception>(() => store.WriteAsync(new MemoryStream(data)));
        Assert.Equal(503, e.Code.Status);
    }

    private (string From, string To) Hide(BlobLayout layout, int slot)
    {
        var file = FragmentFile(layout, slot);
        File.Move(file, file + ".hidden");
        return (file, file + ".hidden");
    }

    private void Flip(BlobLayout layout, int slot, int at)
    {
        var file = FragmentFile(layout, slot);
        var bytes = File.ReadAllBytes(file);
        bytes[FragmentFormat.HeaderSize + at + at / FragmentFormat.DefaultBlockSize * FragmentFormat.ChecksumSize] ^= 0x40;
        File.WriteAllBytes(file, bytes);
    }

    private string FragmentFile(BlobLayout layout, int slot) =>
        Path.Combine(root, layout.Drives[slot], "fragments", layout.BlobId[..2], $"{layout.BlobId}.{slot}");

    private async Task<byte[]> ReadAsync(BlobLayout layout, long offset, long length)
    {
        using var m = new MemoryStream();
        await store.ReadAsync(layout, offset, length, (chunk, _) => { m.Write(chunk.Span); return ValueTask.CompletedTask; });
        return m.ToArray();
    }

    public void Dispose() => Directory.Delete(root, recursive: true);
}

public sealed class StripedBlobDriveLossTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "cairn-ec-" + Guid.NewGuid().ToString("N"));

    [Theory]
    [InlineData(1048575)]
    [InlineData(3 * 1048576 + 12345)]
    public async Task Whole_drives_lost_after_the_write_still_read_exactly(int size)
    {
        var drives = new Dictionary<string, IFragmentStore>();
        for (var i = 0; i < 6; i++) drives[$"d{i}"] = new LocalDrive($"d{i}", Path.Combine(root, $"d{i}"));
        var store = new BlobStore(drives, new RendezvousPlacement(drives.Keys.Select(id => new DriveEntry(id, id)).ToArray()), new ErasureSettings(4, 2));
        var data = RandomNumberGenerator.GetBytes(size);
        using var draft = await store.WriteAsync(new MemoryStream(data));
        // Later, larger writes must leave the earlier blob's fragments alone.
        using var later = await store.WriteAsync(new MemoryStream(RandomNumberGenerator.GetBytes(20 * 1024 * 1024)));
        // Lose the drives of two data slots, so both parity shards are needed.
        Directory.Delete(Path.Combine(root, draft.Layout.Drives[0]), true);
        Directory.Delete(Path.Combine(root, draft.Layout.Drives[1]), true);
        using var m = new MemoryStream();
        await store.ReadAsync(draft.Layout, 0, size, (chunk, _) => { m.Write(chunk.Span); return ValueTask.CompletedTask; });
        Assert.Equal(data, m.ToArray());
    }

    public void Dispose() => Directory.Delete(root, recursive: true);
}
