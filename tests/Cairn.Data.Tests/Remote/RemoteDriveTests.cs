using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Cairn.Core.Blobs;
using Cairn.Core.Errors;
using Cairn.Data.Blobs;
using Cairn.Data.Drives;
using Cairn.Data.Drives.Remote;
using Cairn.Data.Fragments;
using Cairn.Placement;
using Cairn.Transport;

namespace Cairn.Data.Tests.Remote;

/// <summary>Drives of another node over the cluster transport: round trips, authentication, and a dead owner.</summary>
public sealed class RemoteDriveTests : IAsyncLifetime
{
    private static readonly ClusterTransportOptions Deadlines = new() { ConnectTimeout = TimeSpan.FromSeconds(1), RequestTimeout = TimeSpan.FromSeconds(2) };
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(8);

    private readonly string root = Path.Combine(Path.GetTempPath(), "cairn-remote-" + Guid.NewGuid().ToString("N"));
    private readonly ClusterSecret secret = ClusterSecret.FromText("test cluster secret, 32 bytes ok");
    private readonly List<ClusterNode> nodes = [];
    private HttpClient http = null!;

    public Task InitializeAsync()
    {
        http = ClusterHttp.CreateClient(ClusterSecret.FromText("test cluster secret, 32 bytes ok"), Deadlines);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        http.Dispose();
        foreach (var node in nodes) await node.DisposeAsync();
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
    }

    private LocalDrive Local(string id) => new(id, Path.Combine(root, id));

    private async Task<ClusterNode> ServeAsync(params LocalDrive[] drives)
    {
        var node = await ClusterNode.StartAsync(drives.ToDictionary(d => d.DriveId, d => (IFragmentStore)d), secret);
        nodes.Add(node);
        return node;
    }

    private static string NewBlobId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    [Fact]
    public async Task Fragment_round_trips_through_a_remote_drive_and_is_visible_only_once_committed()
    {
        var local = Local("r0");
        var node = await ServeAsync(local);
        var remote = new RemoteFragmentStore("r0", node.Address, http, Deadlines);
        var blob = NewBlobId();
        var data = RandomNumberGenerator.GetBytes(3 * 1024 * 1024 + 4321);

        await using (var sink = await remote.CreateAsync(blob, 2))
        {
            var rng = new Random(7);
            for (var at = 0; at < data.Length;)
            {
                var n = Math.Min(rng.Next(1, 300_000), data.Length - at);
                await sink.WriteAsync(data.AsMemory(at, n));
                at += n;
            }
            await sink.CommitAsync();
        }

        using (var source = await remote.OpenAsync(blob, 2))
        {
            Assert.NotNull(source);
            Assert.Equal(data.Length, source.Length);
            Assert.Equal(data, await ReadAllAsync(source, 0, data.Length));
            foreach (var (offset, length) in new[] { (0, 1), (1, 65_536), (1_000_000, 777_777), (data.Length - 10, 10) })
                Assert.Equal(data.AsSpan(offset, length).ToArray(), await ReadAllAsync(source, offset, length));
            Assert.Equal(0, await source.ReadAsync(data.Length, new byte[16]));
        }
        Assert.Null(await remote.OpenAsync(blob, 3));

        // A fragment abandoned before its commit never becomes a fragment: not listed, not openable.
        var abandoned = NewBlobId();
        await using (var sink = await remote.CreateAsync(abandoned, 0))
            await sink.WriteAsync(data.AsMemory(0, 100_000));
        await WaitUntilAsync(async () => await local.OpenAsync(abandoned, 0) is null);
        Assert.Null(await remote.OpenAsync(abandoned, 0));

        var listed = await ToListAsync(remote.ListAsync());
        var only = Assert.Single(listed);
        Assert.Equal((blob, 2, (long)data.Length), (only.BlobId, only.Slot, only.Length));

        await remote.RefreshStatsAsync();
        var stats = remote.Stats();
        Assert.True(stats.Online);
        Assert.Equal("r0", stats.DriveId);
        Assert.True(stats.TotalBytes > 0 && stats.FreeBytes > 0);
        Assert.True(remote.TryInitialize());

        await remote.DeleteAsync(blob, 2);
        Assert.Null(await remote.OpenAsync(blob, 2));
        Assert.Null(await local.OpenAsync(blob, 2));
        Assert.Empty(await ToListAsync(remote.ListAsync()));
    }

    [Fact]
    public async Task Replacement_takes_the_place_of_the_old_fragment_only_at_commit()
    {
        var node = await ServeAsync(Local("r0"));
        var remote = new RemoteFragmentStore("r0", node.Address, http, Deadlines);
        var blob = NewBlobId();
        await WriteFragmentAsync(remote, blob, 1, [1, 2, 3]);
        await using (var sink = await remote.CreateReplacementAsync(blob, 1))
        {
            await sink.WriteAsync(new byte[] { 9, 9, 9, 9 });
            using (var before = await remote.OpenAsync(blob, 1)) Assert.Equal(3, before!.Length);
            await sink.CommitAsync();
        }
        using var after = await remote.OpenAsync(blob, 1);
        Assert.Equal(new byte[] { 9, 9, 9, 9 }, await ReadAllAsync(after!, 0, 4));
    }

    [Fact]
    public async Task Requests_without_the_cluster_secret_or_with_a_wrong_one_are_refused_and_write_nothing()
    {
        var local = Local("r0");
        var node = await ServeAsync(local);
        var blob = NewBlobId();
        var url = new Uri(node.Address, $"/cluster/v1/drives/r0/fragments/{blob}/0");

        using var bare = new HttpClient { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using (var response = await bare.PutAsync(url, new ByteArrayContent(new byte[1000])))
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        using (var response = await bare.GetAsync(new Uri(node.Address, "/cluster/v1/drives/r0/fragments")))
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);

        // Signed with another secret, and a well-formed but forged signature.
        using var stranger = ClusterHttp.CreateClient(ClusterSecret.FromText("some other cluster, some other key"), Deadlines);
        using (var response = await stranger.PutAsync(url, new ByteArrayContent(new byte[1000])))
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        using (var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = new ByteArrayContent(new byte[1000]), Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact })
        {
            request.Headers.Add(ClusterSecret.TimestampHeader, DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString());
            request.Headers.Add(ClusterSecret.NonceHeader, "00112233445566778899aabbccddeeff");
            request.Headers.Add(ClusterSecret.SignatureHeader, new string('a', 64));
            using var response = await bare.SendAsync(request);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }

        // Through the store API the refusal is a typed drive failure, and the drive saw nothing.
        var wrong = new RemoteFragmentStore("r0", node.Address, stranger, Deadlines);
        await Assert.ThrowsAsync<DriveUnavailableException>(async () => await WriteFragmentAsync(wrong, blob, 0, new byte[1000]));
        Assert.Null(await local.OpenAsync(blob, 0));
        Assert.Empty(await ToListAsync(local.ListAsync()));
    }

    [Fact]
    public void A_signature_is_bound_to_method_path_and_time_and_is_good_once()
    {
        var now = new ManualTime(DateTimeOffset.UtcNow);
        var server = new ClusterSecret("0123456789abcdef0123456789abcdef"u8, now);
        var client = new ClusterSecret("0123456789abcdef0123456789abcdef"u8, now);
        var (t, n, s) = client.Sign("PUT", "/cluster/v1/drives/a/fragments/ab/0");
        Assert.Equal(ClusterProof.Invalid, server.Verify("GET", "/cluster/v1/drives/a/fragments/ab/0", t, n, s));
        Assert.Equal(ClusterProof.Invalid, server.Verify("PUT", "/cluster/v1/drives/b/fragments/ab/0", t, n, s));
        Assert.Equal(ClusterProof.Missing, server.Verify("PUT", "/x", null, null, null));
        now.Now += TimeSpan.FromMinutes(3);
        Assert.Equal(ClusterProof.Invalid, server.Verify("PUT", "/cluster/v1/drives/a/fragments/ab/0", t, n, s));
        now.Now -= TimeSpan.FromMinutes(3);
        Assert.Equal(ClusterProof.Valid, server.Verify("PUT", "/cluster/v1/drives/a/fragments/ab/0", t, n, s));
        Assert.Equal(ClusterProof.Invalid, server.Verify("PUT", "/cluster/v1/drives/a/fragments/ab/0", t, n, s)); // replayed
    }

    [Fact]
    public async Task Striped_blob_over_three_local_and_three_remote_drives_survives_the_loss_of_a_remote_node()
    {
        const int shard = 64 * 1024;
        var owned = new[] { Local("r3"), Local("r4"), Local("r5") };
        var nodeB = await ServeAsync(owned[0], owned[1]);
        var nodeC = await ServeAsync(owned[2]);
        var drives = new Dictionary<string, IFragmentStore>
        {
            ["l0"] = Local("l0"), ["l1"] = Local("l1"), ["l2"] = Local("l2"),
            ["r3"] = new RemoteFragmentStore("r3", nodeB.Address, http, Deadlines),
            ["r4"] = new RemoteFragmentStore("r4", nodeB.Address, http, Deadlines),
            ["r5"] = new RemoteFragmentStore("r5", nodeC.Address, http, Deadlines),
        };
        var map = drives.Keys.Select(id => new DriveEntry(id, $"z/r/n/{id}")).ToArray();
        var store = new BlobStore(drives, new RendezvousPlacement(map), new ErasureSettings(4, 2, shard));
        var data = RandomNumberGenerator.GetBytes(7 * 4 * shard + 12_345);

        using var draft = await store.WriteAsync(new MemoryStream(data));
        Assert.Equal(6, draft.Layout.Drives.Distinct().Count());
        Assert.Empty(draft.Layout.MissingSlots);
        Assert.Equal(3, (await Task.WhenAll(owned.Select(d => ToListAsync(d.ListAsync())))).Count(l => l.Count == 1));
        Assert.Equal(data, await ReadAsync(store, draft.Layout, 0, data.Length));
        Assert.Equal(data.AsSpan(300_000, 500_000).ToArray(), await ReadAsync(store, draft.Layout, 300_000, 500_000));

        // Node B goes away with two of the six fragments: reads are rebuilt from parity, within the deadlines.
        await nodeB.StopAsync();
        var clock = Stopwatch.StartNew();
        Assert.Equal(data, await ReadAsync(store, draft.Layout, 0, data.Length));
        Assert.Equal(data.AsSpan(1_000_000, 65_536).ToArray(), await ReadAsync(store, draft.Layout, 1_000_000, 65_536));
        Assert.True(clock.Elapsed < Bound, $"degraded read took {clock.Elapsed}");
        var direct = await Assert.ThrowsAsync<DriveUnavailableException>(async () => await drives["r3"].OpenAsync(draft.Layout.BlobId, SlotOf(draft.Layout, "r3")));
        Assert.Equal("r3", direct.DriveId);
        Assert.False(drives["r3"].Stats().Online);
        // r4 went offline with r3, but the read may not have touched it (it may hold a parity slot): its cached
        // state is refreshed in the background within a couple of seconds.
        var refreshed = Stopwatch.StartNew();
        while (drives["r4"].Stats().Online && refreshed.Elapsed < TimeSpan.FromSeconds(6)) await Task.Delay(100);
        Assert.False(drives["r4"].Stats().Online);

        // Scrub sees exactly the unreachable slots as bad, as for dead local drives.
        var repair = new BlobRepair(drives, store);
        var (bad, _) = await repair.VerifyAsync(draft.Layout, CancellationToken.None);
        Assert.Equal(new[] { "r3", "r4" }.Select(d => SlotOf(draft.Layout, d)).Order(), bad.Order());

        // A third lost fragment is one more than m: the read fails without hanging. The fragments are on drives that
        // cannot be reached, not gone, so it is 503 (try again), naming them; a 500 is for fragments truly lost.
        await nodeC.StopAsync();
        clock.Restart();
        var failure = await Assert.ThrowsAsync<S3Exception>(() => ReadAsync(store, draft.Layout, 0, data.Length));
        Assert.True(clock.Elapsed < Bound, $"failed read took {clock.Elapsed}");
        Assert.Equal(S3ErrorCode.ServiceUnavailable.Code, failure.Code.Code);
        Assert.Contains("r3", failure.Message);
        Assert.Contains("r5", failure.Message);
    }

    [Fact]
    public async Task A_write_to_a_stopped_remote_drive_fails_fast_with_the_typed_error()
    {
        var node = await ServeAsync(Local("r0"));
        var remote = new RemoteFragmentStore("r0", node.Address, http, Deadlines);
        await WriteFragmentAsync(remote, NewBlobId(), 0, new byte[10]); // the connection is pooled and warm
        await node.StopAsync();

        var clock = Stopwatch.StartNew();
        // Refused at create when the client already saw the connection close; else at the first write or the
        // commit, when the stream on the pooled connection is reset. Either way the typed error, fast.
        var error = await Assert.ThrowsAsync<DriveUnavailableException>(() => WriteFragmentAsync(remote, NewBlobId(), 0, new byte[1000]));
        Assert.True(clock.Elapsed < Deadlines.RequestTimeout, $"took {clock.Elapsed}");
        Assert.Equal("r0", error.DriveId);
        Assert.IsAssignableFrom<IOException>(error);
        Assert.False(remote.Stats().Online);
        Assert.False(remote.TryInitialize());
    }

    [Fact]
    public async Task A_striped_write_with_one_remote_drive_down_records_its_slot_missing_and_with_three_fails_cleanly()
    {
        const int shard = 64 * 1024;
        var nodeB = await ServeAsync(Local("r4"), Local("r5"));
        var stopped = await ServeAsync(Local("r3"));
        await stopped.StopAsync();
        var drives = new Dictionary<string, IFragmentStore>
        {
            ["l0"] = Local("l0"), ["l1"] = Local("l1"), ["l2"] = Local("l2"),
            ["r3"] = new RemoteFragmentStore("r3", stopped.Address, http, Deadlines),
            ["r4"] = new RemoteFragmentStore("r4", nodeB.Address, http, Deadlines),
            ["r5"] = new RemoteFragmentStore("r5", nodeB.Address, http, Deadlines),
        };
        var store = new BlobStore(drives, new RendezvousPlacement(drives.Keys.Select(id => new DriveEntry(id, $"z/r/n/{id}")).ToArray()), new ErasureSettings(4, 2, shard));
        var data = RandomNumberGenerator.GetBytes(3 * 4 * shard + 5);

        using (var draft = await store.WriteAsync(new MemoryStream(data)))
        {
            Assert.Equal([SlotOf(draft.Layout, "r3")], draft.Layout.MissingSlots);
            Assert.Equal(data, await ReadAsync(store, draft.Layout, 0, data.Length));
        }

        await nodeB.StopAsync();
        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<S3Exception>(() => store.WriteAsync(new MemoryStream(data)));
        Assert.Equal(S3ErrorCode.ServiceUnavailable, error.Code);
        Assert.True(clock.Elapsed < Bound, $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task An_owner_that_accepts_connections_but_never_answers_fails_within_the_deadline()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0); // the kernel accepts; nobody speaks HTTP/2
        silent.Start();
        var address = new Uri($"http://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}/");
        var remote = new RemoteFragmentStore("r0", address, http, Deadlines);

        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAsync<DriveUnavailableException>(async () => await remote.OpenAsync(NewBlobId(), 0));
        // HTTP/2 lets the body start before the peer answers: the write or the commit hits the deadline.
        await Assert.ThrowsAsync<DriveUnavailableException>(() => WriteFragmentAsync(remote, NewBlobId(), 0, new byte[1 << 20]));
        Assert.True(clock.Elapsed < Deadlines.RequestTimeout * 2 + TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
        Assert.False(remote.Stats().Online);
    }

    private static int SlotOf(BlobLayout layout, string drive) => layout.Drives.ToList().IndexOf(drive);

    private static async Task WriteFragmentAsync(IFragmentStore drive, string blobId, int slot, byte[] data)
    {
        await using var sink = await drive.CreateAsync(blobId, slot);
        await sink.WriteAsync(data);
        await sink.CommitAsync();
    }

    private static async Task<byte[]> ReadAllAsync(IFragmentSource source, long offset, int length)
    {
        var buffer = new byte[length];
        var read = 0;
        while (read < length)
        {
            var n = await source.ReadAsync(offset + read, buffer.AsMemory(read));
            Assert.True(n > 0);
            read += n;
        }
        return buffer;
    }

    private static async Task<byte[]> ReadAsync(BlobStore store, BlobLayout layout, long offset, long length)
    {
        var output = new MemoryStream();
        await store.ReadAsync(layout, offset, length, async (chunk, ct) => await output.WriteAsync(chunk, ct));
        return output.ToArray();
    }

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items) list.Add(item);
        return list;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < Bound, "condition not reached in time");
            await Task.Delay(20);
        }
    }

    private sealed class ManualTime(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
