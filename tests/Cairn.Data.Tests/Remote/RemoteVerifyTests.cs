using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Cairn.Core.Blobs;
using Cairn.Data.Blobs;
using Cairn.Data.Drives;
using Cairn.Data.Drives.Remote;
using Cairn.Data.Fragments;
using Cairn.Placement;
using Cairn.Transport;

namespace Cairn.Data.Tests.Remote;

/// <summary>Scrub of a remote drive happens on its owner: the verdict crosses the network, the fragment does not.</summary>
public sealed class RemoteVerifyTests : IAsyncLifetime
{
    private static readonly ClusterTransportOptions Deadlines = new() { ConnectTimeout = TimeSpan.FromSeconds(1), RequestTimeout = TimeSpan.FromSeconds(2) };

    private readonly string root = Path.Combine(Path.GetTempPath(), "cairn-verify-" + Guid.NewGuid().ToString("N"));
    private readonly ClusterSecret secret = ClusterSecret.FromText("test cluster secret, 32 bytes ok");
    private readonly List<ClusterNode> nodes = [];
    private readonly ByteCounter received = new();
    private HttpClient http = null!;

    public Task InitializeAsync()
    {
        http = CountingClient(ClusterSecret.FromText("test cluster secret, 32 bytes ok"), received);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        http.Dispose();
        foreach (var node in nodes) await node.DisposeAsync();
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
    }

    [Fact]
    public async Task A_remote_fragment_verifies_ok_missing_or_corrupt_exactly_as_on_its_own_drive()
    {
        var owned = Local("r0");
        var remote = new RemoteFragmentStore("r0", (await ServeAsync(owned)).Address, http, Deadlines);
        var blob = NewBlobId();
        const int length = 5 * FragmentFormat.DefaultBlockSize + 1234;
        await WriteFragmentAsync(remote, blob, 1, RandomNumberGenerator.GetBytes(length));

        await remote.RefreshStatsAsync();
        var ok = await remote.VerifyAsync(blob, 1, length);
        Assert.Equal(FragmentCheck.Ok(length), ok);
        Assert.Equal(await owned.VerifyAsync(blob, 1, length), ok);

        Assert.Equal(FragmentCheck.Missing, await remote.VerifyAsync(blob, 2, length));
        Assert.Equal(FragmentCheck.Missing, await remote.VerifyAsync(NewBlobId(), 0, length));

        // A fragment shorter than its blob says is rotten as a whole (no block to blame).
        var tooShort = await remote.VerifyAsync(blob, 1, length + 1);
        Assert.Equal((FragmentHealth.Corrupt, (long?)null), (tooShort.Health, tooShort.Block));

        // One bit flipped in block 3 on the owner's disk: the owner names the block.
        FlipByte(owned, blob, 1, FragmentFormat.BlockOffset(3, FragmentFormat.DefaultBlockSize) + 100);
        var corrupt = await remote.VerifyAsync(blob, 1, length);
        Assert.Equal((FragmentHealth.Corrupt, 0L, (long?)3), (corrupt.Health, corrupt.BytesVerified, corrupt.Block));
        Assert.Contains("block 3", corrupt.Reason);
        Assert.Equal(await owned.VerifyAsync(blob, 1, length), corrupt);
        Assert.True(remote.Stats().Online); // a rotten fragment is an answer, not a dead drive
    }

    [Fact]
    public async Task Verifying_a_4_MiB_remote_fragment_receives_under_1_KiB()
    {
        var remote = new RemoteFragmentStore("r0", (await ServeAsync(Local("r0"))).Address, http, Deadlines);
        var blob = NewBlobId();
        const int length = 4 * 1024 * 1024;
        await WriteFragmentAsync(remote, blob, 0, RandomNumberGenerator.GetBytes(length));
        await remote.VerifyAsync(blob, 0, length); // the connection is open and its settings exchanged

        var before = received.Bytes;
        Assert.Equal(FragmentCheck.Ok(length), await remote.VerifyAsync(blob, 0, length));
        var verify = received.Bytes - before;
        Assert.True(verify < 1024, $"a verify received {verify} bytes");

        // The counter sees what crosses the wire: reading the same fragment receives all of it.
        before = received.Bytes;
        using (var source = await remote.OpenAsync(blob, 0))
            await FragmentReader.ReadRangeAsync(source!, length, 0, length, (_, _) => ValueTask.CompletedTask, CancellationToken.None);
        Assert.True(received.Bytes - before > length, $"a read received {received.Bytes - before} bytes");
    }

    [Fact]
    public async Task Scrub_over_remote_drives_finds_the_fragment_rotten_on_its_owner_without_fetching_fragments()
    {
        const int shard = 64 * 1024;
        var owned = new[] { Local("r3"), Local("r4"), Local("r5") };
        var node = await ServeAsync(owned);
        var drives = new Dictionary<string, IFragmentStore>
        {
            ["l0"] = Local("l0"), ["l1"] = Local("l1"), ["l2"] = Local("l2"),
        };
        foreach (var drive in owned) drives[drive.DriveId] = new RemoteFragmentStore(drive.DriveId, node.Address, http, Deadlines);
        var store = new BlobStore(drives, new RendezvousPlacement(drives.Keys.Select(id => new DriveEntry(id, $"z/r/n/{id}")).ToArray()), new ErasureSettings(4, 2, shard));
        using var draft = await store.WriteAsync(new MemoryStream(RandomNumberGenerator.GetBytes(40 * 4 * shard + 777)));
        var layout = draft.Layout;
        var repair = new BlobRepair(drives, store);

        var before = received.Bytes;
        var (bad, bytes) = await repair.VerifyAsync(layout, CancellationToken.None);
        Assert.Empty(bad);
        Assert.Equal(6 * layout.FragmentLength, bytes);
        Assert.True(received.Bytes - before < 3 * 1024, $"scrub received {received.Bytes - before} bytes for three remote fragments of {layout.FragmentLength}");

        var rotten = owned[1];
        var slot = layout.Drives.ToList().IndexOf(rotten.DriveId);
        FlipByte(rotten, layout.BlobId, slot, FragmentFormat.HeaderSize + 5);
        (bad, bytes) = await repair.VerifyAsync(layout, CancellationToken.None);
        Assert.Equal(new[] { slot }, bad);
        Assert.Equal(5 * layout.FragmentLength, bytes); // what --scrub-rate counts: bytes verified, wherever
    }

    [Fact]
    public async Task A_check_longer_than_the_request_deadline_is_kept_alive_by_the_owner()
    {
        var slow = new SlowVerify(Local("r0"), Deadlines.RequestTimeout * 2.25);
        var node = await ClusterNode.StartAsync(new Dictionary<string, IFragmentStore> { ["r0"] = slow }, secret);
        nodes.Add(node);
        var remote = new RemoteFragmentStore("r0", node.Address, http, Deadlines);
        var blob = NewBlobId();
        await WriteFragmentAsync(remote, blob, 0, new byte[1000]);

        var clock = Stopwatch.StartNew();
        Assert.Equal(FragmentCheck.Ok(1000), await remote.VerifyAsync(blob, 0, 1000));
        Assert.True(clock.Elapsed > Deadlines.RequestTimeout, $"took only {clock.Elapsed}");
    }

    [Fact]
    public async Task Verifying_on_an_unreachable_or_silent_owner_is_the_typed_drive_failure()
    {
        var node = await ServeAsync(Local("r0"));
        var remote = new RemoteFragmentStore("r0", node.Address, http, Deadlines);
        var blob = NewBlobId();
        await WriteFragmentAsync(remote, blob, 0, new byte[1000]);
        await node.StopAsync();
        var error = await Assert.ThrowsAsync<DriveUnavailableException>(async () => await remote.VerifyAsync(blob, 0, 1000));
        Assert.Equal("r0", error.DriveId);
        Assert.False(remote.Stats().Online);

        var unknown = new RemoteFragmentStore("nope", (await ServeAsync(Local("r1"))).Address, http, Deadlines);
        await Assert.ThrowsAsync<DriveUnavailableException>(async () => await unknown.VerifyAsync(blob, 0, 1000));

        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var mute = new RemoteFragmentStore("r0", new Uri($"http://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}/"), http, Deadlines);
        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAsync<DriveUnavailableException>(async () => await mute.VerifyAsync(blob, 0, 1000));
        Assert.True(clock.Elapsed < Deadlines.RequestTimeout + TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
    }

    private LocalDrive Local(string id) => new(id, Path.Combine(root, id));

    private async Task<ClusterNode> ServeAsync(params LocalDrive[] drives)
    {
        var node = await ClusterNode.StartAsync(drives.ToDictionary(d => d.DriveId, d => (IFragmentStore)d), secret);
        nodes.Add(node);
        return node;
    }

    private static string NewBlobId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    private static async Task WriteFragmentAsync(IFragmentStore drive, string blobId, int slot, byte[] data)
    {
        await using var writer = new FragmentWriter(await drive.CreateAsync(blobId, slot));
        await writer.WriteAsync(data);
        await writer.CommitAsync();
    }

    private static void FlipByte(LocalDrive drive, string blobId, int slot, long offset)
    {
        using var file = File.Open(Path.Combine(drive.Path, "fragments", blobId[..2], $"{blobId}.{slot}"), FileMode.Open, FileAccess.ReadWrite);
        file.Position = offset;
        var value = file.ReadByte();
        file.Position = offset;
        file.WriteByte((byte)(value ^ 0x01));
    }

    /// <summary>The cluster client, its sockets counting every byte received (HTTP/2 framing included).</summary>
    private static HttpClient CountingClient(ClusterSecret secret, ByteCounter counter)
    {
        var sockets = new SocketsHttpHandler
        {
            ConnectTimeout = Deadlines.ConnectTimeout,
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new CountingStream(new NetworkStream(socket, ownsSocket: true), counter);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(new ClusterSigningHandler(secret) { InnerHandler = sockets })
        {
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    private sealed class ByteCounter
    {
        private long bytes;

        public long Bytes => Interlocked.Read(ref bytes);

        public void Add(int n) => Interlocked.Add(ref bytes, n);
    }

    private sealed class CountingStream(Stream inner, ByteCounter counter) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Counted(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Counted(await inner.ReadAsync(buffer, cancellationToken));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.WriteAsync(buffer, offset, count, cancellationToken);

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }

        private int Counted(int n)
        {
            counter.Add(n);
            return n;
        }
    }

    /// <summary>A drive whose checks take a while (a big fragment, a busy disk); everything else is the local drive's.</summary>
    private sealed class SlowVerify(LocalDrive drive, TimeSpan delay) : IFragmentStore
    {
        public string DriveId => drive.DriveId;
        public bool IsOnline => drive.IsOnline;
        public bool TryInitialize() => drive.TryInitialize();
        public DriveStats Stats() => drive.Stats();
        public ValueTask<IFragmentSink> CreateAsync(string blobId, int slot, CancellationToken cancellationToken = default) => drive.CreateAsync(blobId, slot, cancellationToken);
        public ValueTask<IFragmentSink> CreateReplacementAsync(string blobId, int slot, CancellationToken cancellationToken = default) => drive.CreateReplacementAsync(blobId, slot, cancellationToken);
        public ValueTask<IFragmentSource?> OpenAsync(string blobId, int slot, CancellationToken cancellationToken = default) => drive.OpenAsync(blobId, slot, cancellationToken);
        public ValueTask DeleteAsync(string blobId, int slot, CancellationToken cancellationToken = default) => drive.DeleteAsync(blobId, slot, cancellationToken);
        public IAsyncEnumerable<FragmentInfo> ListAsync(CancellationToken cancellationToken = default) => drive.ListAsync(cancellationToken);

        public async ValueTask<FragmentCheck> VerifyAsync(string blobId, int slot, long dataLength, CancellationToken cancellationToken = default)
        {
            await Task.Delay(delay, cancellationToken);
            return await drive.VerifyAsync(blobId, slot, dataLength, cancellationToken);
        }
    }
}
