using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Cairn.Testing;
using Xunit.Abstractions;

namespace Cairn.Node.Tests;

/// <summary>
/// Fragments follow the map, moved by the node that runs repair, throttled by --rebalance-rate, with progress in
/// `cairn admin cluster`: a drained drive is emptied onto drives that keep the protection level; a node that joins gets
/// the fragments placement hands it; a failed drive replaced by an empty one in place is refilled and gets back what
/// was placed elsewhere while it was away. Every object reads back byte-exact throughout.
/// </summary>
public sealed class ElasticityTests(ITestOutputHelper output)
{
    private const long MiB = 1 << 20;

    [Fact]
    public async Task Draining_a_drive_moves_every_fragment_off_it_at_the_rate_while_every_object_reads_back()
    {
        // Three nodes of two drives, 2+2 at node level: at most two fragments of a stripe on one node.
        await using var cluster = await LocalClusterProcesses.StartAsync(3, ["--ec", "2+2", "--scrub-interval", "0", "--rebalance-rate", "1MiB"], drivesPerNode: 2);
        var store = await StoreMoves.CreateAsync(cluster, "drain");
        await store.WriteAsync("k", 16, 1_000_000);
        var owner = await store.RepairOwnerAsync();
        var onDrive = (await store.BlobsAsync(owner)).Sum(b => b.Drives.Count(d => d == "n2-d1"));
        Assert.True(onDrive >= 4, $"only {onDrive} fragments on n2-d1: too few to watch them move");

        var via = cluster.Nodes.First(n => n != owner);
        var drained = await via.Server.AdminAsync("drive", "drain", "--drive", "n2-d1");
        Assert.Equal("Draining", drained.GetProperty("state").GetString());

        // While the fragments move: progress on the owner, never faster than the rate (one second's burst aside), and every object reads back.
        var watch = Stopwatch.StartNew();
        var sawMoving = false;
        JsonElement work;
        for (var round = 0; ; round++)
        {
            work = await StoreMoves.WorkAsync(owner);
            var moves = work.GetProperty("moves");
            var drive = Assert.Single(work.GetProperty("draining").EnumerateArray());
            Assert.Equal("n2-d1", drive.GetProperty("drive").GetString());
            if (moves.GetProperty("state").GetString() == "moving")
            {
                sawMoving = true;
                Assert.Equal(MiB, moves.GetProperty("rateLimitBytesPerSecond").GetInt64());
                Assert.True(moves.GetProperty("bytesMoved").GetInt64() <= 2 * MiB + Elapsed(moves) * MiB, $"moved faster than the rate: {moves}");
            }
            else if (drive.GetProperty("evacuated").GetBoolean()) break;
            await store.AssertEveryObjectReadsBackAsync(cluster.Nodes[round % 3]);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), $"n2-d1 still holds fragments: {work}");
        }
        Assert.True(sawMoving, "the mover was never seen moving");
        var pass = work.GetProperty("moves");
        output.WriteLine($"evacuated {onDrive} fragments in {watch.Elapsed.TotalSeconds:F1} s: {pass}");
        // Every fragment of the drive moved (a blob written while a drive still looked away to its writer may be rebalanced too).
        Assert.True(pass.GetProperty("fragmentsMoved").GetInt64() >= onDrive, $"fewer fragments moved than n2-d1 held ({onDrive}): {pass}");
        Assert.Equal(0, pass.GetProperty("fragmentsFailed").GetInt64());
        // The throttle: the bytes beyond the first second's burst took at least their time at 1 MiB/s.
        var bytes = pass.GetProperty("bytesMoved").GetInt64();
        Assert.True(Elapsed(pass) >= (bytes - MiB) / (double)MiB * 0.9, $"{bytes} bytes moved in {Elapsed(pass):F1} s: faster than 1 MiB/s");

        // Nothing is left on the drive, no stripe has more than m on a node, and new objects avoid the drive.
        var blobs = await store.BlobsAsync(owner);
        Assert.DoesNotContain(blobs, b => b.Drives.Contains("n2-d1"));
        var placement = StoreMoves.FreshPlacement(await StoreMoves.StatusAsync(owner));
        Assert.All(blobs, b => Assert.True(b.Drives.GroupBy(placement.FailureDomain).Max(g => g.Count()) <= b.M, $"{b.BlobId}: more than m on a node"));
        await StoreMoves.EventuallyAsync(async () => (await StoreMoves.FragmentFilesAsync(owner))["n2-d1"] == 0, TimeSpan.FromSeconds(10), "fragment files left on n2-d1");
        // The operator's view: the mover's last pass and the drive, evacuated.
        var shown = await ProcessRunner.RunAsync(ServerProcess.CairnCommand(["admin", "cluster", "--endpoint", owner.Server.Endpoint]));
        Assert.Contains($"Fragment mover: idle; {pass.GetProperty("fragmentsMoved").GetInt64()} of {pass.GetProperty("fragmentsPlanned").GetInt64()} fragments moved", shown.Stdout);
        Assert.Contains("Draining drive", shown.Stdout);
        Assert.Contains(shown.Stdout.Split('\n'), line => line.Contains("n2-d1") && line.Contains("yes"));
        await store.WriteAsync("late", 6, 300_000);
        Assert.DoesNotContain(await store.BlobsAsync(owner), b => b.Drives.Contains("n2-d1"));
        foreach (var node in cluster.Nodes) await store.AssertEveryObjectReadsBackAsync(node);
    }

    [Fact]
    public async Task A_node_that_joins_gets_the_fragments_placement_hands_it_with_progress_shown()
    {
        // Three nodes of one drive, 2+1 at node level; a fourth joins and is admitted.
        await using var cluster = await LocalClusterProcesses.StartAsync(3, ["--ec", "2+1", "--scrub-interval", "0", "--rebalance-rate", "4MiB"]);
        var store = await StoreMoves.CreateAsync(cluster, "join");
        await store.WriteAsync("k", 16, 600_000);
        var n4 = cluster.LaunchJoining("n4");
        await StoreMoves.EventuallyAsync(async () => (await StoreMoves.StatusAsync(cluster.Nodes[0])).GetProperty("nodes").GetArrayLength() == 4,
            TimeSpan.FromSeconds(60), "n4 never asked to join");
        await cluster.Nodes[0].Server.AdminAsync("cluster", "admit", "n4");
        await n4.Server.WaitReadyAsync(TimeSpan.FromSeconds(60));

        // Each blob ends on exactly the drives rendezvous over the four nodes wants; the new node holds its share.
        var owner = await store.RepairOwnerAsync();
        var placement = StoreMoves.FreshPlacement(await StoreMoves.StatusAsync(owner));
        await StoreMoves.EventuallyAsync(async () => (await store.BlobsAsync(owner)).All(b => placement.Place(b.BlobId, b.K, b.M).Order().SequenceEqual(b.Drives.Order())),
            TimeSpan.FromSeconds(60), "a blob is not where placement over the four nodes wants it");
        var onN4 = (await store.BlobsAsync(owner)).Sum(b => b.Drives.Count(d => d == "n4-d0"));
        Assert.True(onN4 >= 4, $"only {onN4} fragments went to the new node");
        var moves = (await StoreMoves.WorkAsync(owner)).GetProperty("moves");
        output.WriteLine($"{onN4} fragments on n4: {moves}");
        Assert.True(moves.GetProperty("fragmentsMoved").GetInt64() >= onN4, $"the mover's report does not show the moves: {moves}");
        Assert.Equal(4 * MiB, moves.GetProperty("rateLimitBytesPerSecond").GetInt64());
        Assert.Equal(JsonValueKind.String, moves.GetProperty("startedAt").ValueKind);
        // The old copies are gone: the drives hold exactly what the layouts name.
        var named = (await store.BlobsAsync(owner)).SelectMany(b => b.Drives).GroupBy(d => d).ToDictionary(g => g.Key, g => (long)g.Count());
        await StoreMoves.EventuallyAsync(async () => (await StoreMoves.FragmentFilesAsync(owner)).Where(f => f.Value > 0).OrderBy(f => f.Key).SequenceEqual(named.OrderBy(f => f.Key)),
            TimeSpan.FromSeconds(10), "the drives hold other fragments than the layouts name");
        await store.AssertEveryObjectReadsBackAsync(n4);
        await store.AssertEveryObjectReadsBackAsync(cluster.Nodes[0]);
    }

    [Fact]
    public async Task A_drive_added_to_a_running_node_enters_the_map_and_receives_what_placement_hands_it()
    {
        // Three nodes of one drive, 2+1 at node level; n2 restarts with a second drive appended to --drives.
        string[] server = ["--ec", "2+1", "--scrub-interval", "0", "--rebalance-rate", "8MiB"];
        await using var cluster = await LocalClusterProcesses.StartAsync(3, server);
        var store = await StoreMoves.CreateAsync(cluster, "adddrive");
        await store.WriteAsync("k", 16, 400_000);
        var n2 = cluster["n2"];
        var drives = string.Join(',', new[] { "d0", "d1" }.Select(d => Path.Combine(n2.Server.DataPath, "drives", d)));
        Directory.CreateDirectory(Path.Combine(n2.Server.DataPath, "drives", "d1"));  // the new disk, mounted
        await n2.Server.RestartAsync([
            "--node-id", "n2", "--cluster-address", n2.ClusterAddress, "--join", string.Join(',', cluster.Nodes.Select(n => n.ClusterAddress)),
            "--failure-domain", "zone1/rack1", "--drives", drives, .. server]);
        await n2.Server.WaitReadyAsync(TimeSpan.FromSeconds(60));

        var owner = await store.RepairOwnerAsync();
        await StoreMoves.EventuallyAsync(async () => (await StoreMoves.StatusAsync(owner)).GetProperty("nodes").EnumerateArray()
                .Any(n => n.GetProperty("drives").EnumerateArray().Any(d => d.GetProperty("id").GetString() == "n2-d1")),
            TimeSpan.FromSeconds(30), "the new drive never entered the map");
        var placement = StoreMoves.FreshPlacement(await StoreMoves.StatusAsync(owner));
        await StoreMoves.EventuallyAsync(async () => (await store.BlobsAsync(owner)).All(b => placement.Place(b.BlobId, b.K, b.M).Order().SequenceEqual(b.Drives.Order())),
            TimeSpan.FromSeconds(60), "a blob is not where placement over the new drive set wants it");
        var onNewDrive = (await store.BlobsAsync(owner)).Sum(b => b.Drives.Count(d => d == "n2-d1"));
        Assert.True(onNewDrive >= 2, $"only {onNewDrive} fragments went to the added drive");
        await store.AssertEveryObjectReadsBackAsync(cluster.Nodes[0]);
    }

    [Fact]
    public async Task A_failed_drive_replaced_in_place_is_refilled_and_gets_back_what_placement_wants()
    {
        await using var cluster = await LocalClusterProcesses.StartAsync(3, ["--ec", "2+2", "--scrub-interval", "0"], drivesPerNode: 2);
        var store = await StoreMoves.CreateAsync(cluster, "replace");
        await store.WriteAsync("k", 12, 400_000);
        var owner = await store.RepairOwnerAsync();
        var held = (await store.BlobsAsync(owner)).Sum(b => b.Drives.Count(d => d == "n2-d1"));
        Assert.True(held >= 3, $"only {held} fragments on n2-d1");

        // The disk fails: its folder is gone (an unmounted disk). New objects are written around it. (The old ones are not read
        // meanwhile: a read would have read repair rebuild their lost fragment elsewhere at once, leaving the refill nothing to do.)
        var path = Path.Combine(cluster["n2"].Server.DataPath, "drives", "d1");
        Directory.Move(path, path + "-failed");
        await StoreMoves.EventuallyAsync(async () => (await StoreMoves.AdminAsync(owner, "drives")).EnumerateArray()
            .Single(d => d.GetProperty("id").GetString() == "n2-d1").GetProperty("state").GetString() == "offline", TimeSpan.FromSeconds(20), "n2-d1 never went offline");
        await store.WriteAsync("late", 12, 300_000);
        var placement = StoreMoves.FreshPlacement(await StoreMoves.StatusAsync(owner));
        var elsewhere = (await store.BlobsAsync(owner)).Count(b => placement.Place(b.BlobId, b.K, b.M).Contains("n2-d1") && !b.Drives.Contains("n2-d1"));
        Assert.True(elsewhere >= 2, $"only {elsewhere} blobs that placement wants on n2-d1 went elsewhere");

        // An empty disk at the same path: repair rebuilds onto it, and what went elsewhere comes back.
        Directory.CreateDirectory(path);
        var watch = Stopwatch.StartNew();
        await StoreMoves.EventuallyAsync(async () => (await store.BlobsAsync(owner)).All(b => placement.Place(b.BlobId, b.K, b.M).Order().SequenceEqual(b.Drives.Order())),
            TimeSpan.FromSeconds(60), "a blob is not where placement with n2-d1 back wants it");
        output.WriteLine($"every blob where placement wants it {watch.Elapsed.TotalSeconds:F1} s after the empty drive was put back");
        // The refill rebuilt in place every fragment the drive held before it failed.
        Assert.Contains(cluster.Nodes, n => Regex.Matches(n.Server.Log, @"Drive n2-d1 refilled: (\d+) fragments rebuilt").Any(m => int.Parse(m.Groups[1].Value) >= held));
        var named = (await store.BlobsAsync(owner)).SelectMany(b => b.Drives).GroupBy(d => d).ToDictionary(g => g.Key, g => (long)g.Count());
        Assert.True(named["n2-d1"] > held, "n2-d1 did not get back the fragments placed elsewhere");
        await StoreMoves.EventuallyAsync(async () => (await StoreMoves.FragmentFilesAsync(owner)).OrderBy(f => f.Key).SequenceEqual(named.OrderBy(f => f.Key)),
            TimeSpan.FromSeconds(10), "the drives hold other fragments than the layouts name");
        foreach (var node in cluster.Nodes) await store.AssertEveryObjectReadsBackAsync(node);

        // The operator's command finds nothing left to rebuild.
        var replaced = await owner.Server.AdminAsync("drive", "replace", "--drive", "n2-d1");
        Assert.Equal(0, replaced.GetProperty("fragmentsRebuilt").GetInt64());
    }

    /// <summary>Seconds from a pass's start to its end (or to now, while it moves).</summary>
    private static double Elapsed(JsonElement moves)
    {
        var started = moves.GetProperty("startedAt").GetDateTimeOffset();
        var finished = moves.GetProperty("finishedAt").ValueKind == JsonValueKind.String ? moves.GetProperty("finishedAt").GetDateTimeOffset() : DateTimeOffset.UtcNow;
        return (finished - started).TotalSeconds;
    }
}
