using System.Security.Cryptography;
using Cairn.Data.Blobs;
using Cairn.Data.Drives;
using Cairn.Data.Fragments;
using Cairn.Placement;

namespace Cairn.Data.Tests;

public sealed class FragmentTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "cairn-data-" + Guid.NewGuid().ToString("N"));
    private readonly BlobStore store;
    private readonly LocalDrive drive;

    public FragmentTests()
    {
        drive = new LocalDrive("d0", root);
        store = new BlobStore(new Dictionary<string, IFragmentStore> { ["d0"] = drive }, new RendezvousPlacement([new DriveEntry("d0", "d0")]), ErasureSettings.Plain);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(65535)]
    [InlineData(65536)]
    [InlineData(65537)]
    [InlineData(1_048_576 + 3)]
    [InlineData(2 * 1_048_576 - 40)] // around the drive's 2 MiB direct-write stage, framed size on either side
    [InlineData(2 * 1_048_576)]
    [InlineData(9 * 1_048_576 + 4095)] // several direct writes, then a padded tail cut back to length
    public async Task Any_range_reads_back_exactly(int size)
    {
        var data = RandomNumberGenerator.GetBytes(size);
        using var draft = await store.WriteAsync(new MemoryStream(data));
        Assert.Equal(size, draft.Layout.Length);
        var rng = new Random(size);
        for (var i = 0; i < 20 && size > 0; i++)
        {
            var first = rng.Next(size);
            var length = rng.Next(1, size - first + 1);
            Assert.Equal(data.AsSpan(first, length).ToArray(), await ReadAsync(draft.Layout, first, length));
        }
        Assert.Equal(data, await ReadAsync(draft.Layout, 0, size));
        var file = Assert.Single(Directory.EnumerateFiles(Path.Combine(root, "fragments"), "*", SearchOption.AllDirectories));
        Assert.Equal(FragmentFormat.FileLength(size, FragmentFormat.DefaultBlockSize), new FileInfo(file).Length); // no padding left behind
    }

    [Fact]
    public async Task A_rebuild_killed_before_its_rename_leaves_no_file_once_the_drive_is_opened_again()
    {
        using (var draft = await store.WriteAsync(new MemoryStream(new byte[1000]))) { }
        // The process "dies" mid-rebuild: never committed nor disposed, its file stays beside where the fragment would go.
        _ = await drive.CreateReplacementAsync("ab" + new string('0', 30), 0);
        Assert.Single(Directory.EnumerateFiles(root, "*.rebuild-*", SearchOption.AllDirectories));

        var reopened = new LocalDrive("d0", root); // the next process
        Assert.True(reopened.TryInitialize());

        Assert.Empty(Directory.EnumerateFiles(root, "*.rebuild-*", SearchOption.AllDirectories));
        Assert.Single(await reopened.ListAsync().ToListAsync()); // the fragment written before is kept
    }

    [Fact]
    public async Task A_listing_run_to_its_end_is_the_drives_census_and_a_replaced_drive_starts_at_zero()
    {
        using (var first = await store.WriteAsync(new MemoryStream(new byte[1000]))) { }
        using (var second = await store.WriteAsync(new MemoryStream(new byte[70_000]))) { }
        var files = new DirectoryInfo(Path.Combine(root, "fragments")).EnumerateFiles("*", SearchOption.AllDirectories).ToArray();

        // The next process: no count until the drive is listed; a listing left early counts nothing.
        var reopened = new LocalDrive("d0", root);
        Assert.Null(reopened.Stats().Census);
        await foreach (var _ in reopened.ListAsync()) break;
        Assert.Null(reopened.Stats().Census);
        var before = DateTimeOffset.UtcNow;
        Assert.Equal(2, (await reopened.ListAsync().ToListAsync()).Count);
        var census = reopened.Stats().Census;
        Assert.NotNull(census);
        Assert.Equal((2L, files.Sum(f => f.Length)), (census.Fragments, census.Bytes));
        Assert.InRange(census.At, before, DateTimeOffset.UtcNow);

        // The disk fails and an empty one is mounted at the same path: it holds nothing, whatever the last count said.
        Directory.Delete(root, recursive: true);
        Assert.Null(reopened.Stats().Census);
        Directory.CreateDirectory(root);
        Assert.True(reopened.TryInitialize());
        Assert.Equal((0L, 0L), (reopened.Stats().Census!.Fragments, reopened.Stats().Census!.Bytes));
    }

    [Fact]
    public async Task A_drive_on_a_file_system_without_direct_io_falls_back_to_the_page_cache()
    {
        if (!Directory.Exists("/dev/shm")) return; // tmpfs refuses O_DIRECT; without one there is nothing to fall back from
        var shm = Path.Combine("/dev/shm", "cairn-data-" + Guid.NewGuid().ToString("N"));
        try
        {
            var tmpfs = new LocalDrive("d0", shm);
            var onTmpfs = new BlobStore(new Dictionary<string, IFragmentStore> { ["d0"] = tmpfs }, new RendezvousPlacement([new DriveEntry("d0", "d0")]), ErasureSettings.Plain);
            var data = RandomNumberGenerator.GetBytes(5 * 1_048_576 + 17);
            using var draft = await onTmpfs.WriteAsync(new MemoryStream(data));
            var read = new MemoryStream();
            await onTmpfs.ReadAsync(draft.Layout, 0, data.Length, async (chunk, ct) => await read.WriteAsync(chunk, ct));
            Assert.Equal(data, read.ToArray());
        }
        finally
        {
            Directory.Delete(shm, recursive: true);
        }
    }

    [Fact]
    public async Task A_flipped_bit_fails_the_block_checksum()
    {
        var data = RandomNumberGenerator.GetBytes(200_000);
        using var draft = await store.WriteAsync(new MemoryStream(data));
        var file = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Single(f => f.Contains(draft.BlobId));
        var bytes = await File.ReadAllBytesAsync(file);
        bytes[FragmentFormat.HeaderSize + 70_000] ^= 1;
        await File.WriteAllBytesAsync(file, bytes);
        await Assert.ThrowsAsync<FragmentCorruptException>(() => ReadAsync(draft.Layout, 0, data.Length));
        // Blocks before the rotten one still verify.
        Assert.Equal(data.AsSpan(0, 1000).ToArray(), await ReadAsync(draft.Layout, 0, 1000));
    }

    [Fact]
    public async Task A_truncated_fragment_is_detected()
    {
        var data = RandomNumberGenerator.GetBytes(100_000);
        using var draft = await store.WriteAsync(new MemoryStream(data));
        var file = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Single(f => f.Contains(draft.BlobId));
        await using (var f = new FileStream(file, FileMode.Open)) f.SetLength(f.Length - 10);
        await Assert.ThrowsAsync<FragmentCorruptException>(() => ReadAsync(draft.Layout, 0, data.Length));
    }

    [Fact]
    public async Task A_write_that_fails_leaves_no_fragment()
    {
        await Assert.ThrowsAsync<IOException>(() => store.WriteAsync(new FailingStream()));
        Assert.Empty(Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories));
    }

    private async Task<byte[]> ReadAsync(Cairn.Core.Blobs.BlobLayout layout, long offset, long length)
    {
        using var m = new MemoryStream();
        await store.ReadAsync(layout, offset, length, (chunk, _) => { m.Write(chunk.Span); return ValueTask.CompletedTask; });
        return m.ToArray();
    }

    public void Dispose() => Directory.Delete(root, recursive: true);

    private sealed class FailingStream : Stream
    {
        private int reads;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get; set; }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count)
        {
            if (++reads > 2) throw new IOException("client went away");
            buffer.AsSpan(offset, count).Fill(7);
            return count;
        }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
