using Cairn.Cli.Simulate;
using Cairn.Placement.Simulation;
using Cairn.Workers;

namespace Cairn.Cli.Tests;

public sealed class ScaleModelTests
{
    [Fact]
    public void Ascending_keys_leave_every_range_half_full()
    {
        var growth = RangeModel.Grow(1_000_000_000, 250_000, KeyOrder.Ascending);
        // Each split leaves the left half at the threshold's half and never touches it again.
        Assert.InRange(growth.Ranges, 7_990, 8_001);
        Assert.Equal(1_000_000_000.0 / growth.Ranges, growth.MeanObjects, precision: 6);
        Assert.InRange(growth.Fill, 0.499, 0.501);
        Assert.True(growth.MaxObjects <= 250_000);
    }

    [Fact]
    public void Random_keys_fill_ranges_between_three_fifths_and_four_fifths_swinging_as_the_store_doubles()
    {
        var growth = RangeModel.Grow(1_000_000_000, 250_000, KeyOrder.Random);
        Assert.InRange(growth.Fill, 0.55, 0.82);
        Assert.Equal(1_000_000_000.0 / growth.Ranges, growth.MeanObjects, precision: 6);
        Assert.True(growth.MinObjects >= 125_000 - 250 && growth.MaxObjects <= 250_000);
        // Ranges born together split together: over one doubling the fill swings around ln 2 ≈ 69 % (the B-tree figure).
        var (low, high) = RangeModel.FillSwing(100_000_000, 250_000);
        Assert.InRange(low, 0.5, 0.69);
        Assert.InRange(high, 0.69, 0.85);
        Assert.True(high - low > 0.1, $"{low}–{high}");
    }

    [Fact]
    public void A_store_below_the_threshold_is_one_range_holding_each_outcome_once()
    {
        var growth = RangeModel.Grow(200_000, 250_000, KeyOrder.Random);
        Assert.Equal(1, growth.Ranges);
        Assert.Equal(1, growth.OutcomeCopiesPerObject, precision: 9);
    }

    [Fact]
    public void Splits_copy_every_request_outcome_into_both_halves()
    {
        // Random keys: an outcome ends up in every range descended from the one it was written in, about
        // ln(objects / threshold) + 1 / fill copies.
        var random = RangeModel.Grow(1_000_000_000, 250_000, KeyOrder.Random);
        Assert.InRange(random.OutcomeCopiesPerObject, Math.Log(4000) + 1, Math.Log(4000) + 1 / 0.5);
        // Ascending keys: the last range holds every outcome ever written, and each split leaves a copy behind.
        var ascending = RangeModel.Grow(100_000_000, 250_000, KeyOrder.Ascending);
        Assert.InRange(ascending.OutcomeCopiesPerObject, ascending.Ranges / 2.0 * 0.99, ascending.Ranges / 2.0 * 1.01);
        var footprint = IndexFootprint.Measure(ObjectMix.Parse("1MiB:1"), 16 * 1024, 8, 4, nodes: 100);
        Assert.Equal(footprint.BytesPerObject, footprint.BytesPerObjectHeld(1), precision: 6);
        Assert.Equal(footprint.BytesPerObject + 2 * footprint.OutcomeBytesPerObject, footprint.BytesPerObjectHeld(3), precision: 6);
    }

    [Fact]
    public void Heartbeats_come_every_125_ms_from_DotNext_default_and_the_250_ms_election_timeout() =>
        Assert.Equal(125, RangeModel.HeartbeatMilliseconds, precision: 9);

    [Fact]
    public void Group_counts_per_node_are_ranges_times_replicas_over_the_nodes_holding_them()
    {
        var design = RangeModel.Load(100, 6_000, 3, indexBytesPerObject: 1000, objectRowsPerObject: 3, objects: 1_000_000_000, splitScanRowsPerSecond: 1e6, spread: true);
        Assert.Equal(180, design.GroupsPerNode, precision: 9);
        Assert.Equal(60, design.LedPerNode, precision: 9);
        // 8 heartbeat rounds a second; a leader sends 2 and gets 2 replies a round, a follower gets 1 and replies.
        Assert.Equal(2 * 8 * (2 * 60 + 120), design.HeartbeatMessagesPerSecond, precision: 6);
        Assert.Equal(2 * 60 + 120, design.RaftConnections, precision: 9);
        Assert.Equal(1e12 * 3 / 100, design.IndexBytesPerNode, precision: 0);
        Assert.Equal(60 * (1e9 / 6000) * 3, design.SplitCheckRowsPerPass, precision: 0);
        Assert.Equal(design.SplitCheckRowsPerPass / 1e6, design.SplitCheckSecondsPerPass, precision: 9);

        var today = RangeModel.Load(100, 6_000, 3, 1000, 3, 1_000_000_000, 1e6, spread: false);
        Assert.Equal(3, today.NodesHoldingRanges);
        Assert.Equal(6_000, today.GroupsPerNode, precision: 9);
        Assert.Equal(2_000, today.LedPerNode, precision: 9);
    }

    [Fact]
    public void A_blob_object_leaves_pointers_a_version_a_reference_and_a_request_outcome()
    {
        var footprint = IndexFootprint.Measure(ObjectMix.Parse("4KiB:1,1MiB:1"), 16 * 1024, 8, 4, nodes: 100);
        var (small, large) = (footprint.Classes[0].Footprint, footprint.Classes[1].Footprint);
        Assert.True(small.Inline);
        Assert.Equal(["current pointer", "null-version pointer", "request outcome", "version record"], small.Rows.Select(r => r.Kind).Order());
        // The inline bytes are in the version record (base64) and again in the outcome kept under the request id.
        Assert.True(small.Rows.Single(r => r.Kind == "version record").ValueBytes > 4096 * 4 / 3);
        Assert.True(small.Rows.Single(r => r.Kind == "request outcome").ValueBytes > 4096 * 4 / 3);
        Assert.False(large.Inline);
        Assert.Contains(large.Rows, r => r.Kind == "blob reference");
        Assert.Equal(3, large.ObjectRows);
        Assert.Equal((small.Bytes + large.Bytes) / 2.0, footprint.BytesPerObject, precision: 6);
        Assert.True(footprint.BytesPerObjectWithoutOutcomes < footprint.BytesPerObject);
    }

    [Fact]
    public void A_mix_gives_blobs_bytes_and_raw_bytes()
    {
        var data = new DataScale(1000, ObjectMix.Parse("4KiB:50,1MiB:50"), 8, 4);
        Assert.Equal(16 * 1024, data.InlineThreshold);
        Assert.Equal(500, data.Blobs, precision: 9);
        Assert.Equal(500.0 * (1 << 20), data.BlobBytes, precision: 3);
        Assert.Equal(data.BlobBytes * 1.5, data.RawBytes, precision: 3);
        Assert.Equal(1000 * (4096 + (1 << 20)) / 2.0, data.LogicalBytes, precision: 3);
        Assert.False(ObjectMix.TryParse("4KiB", out _, out _));
        Assert.False(ObjectMix.TryParse("4KiB:-1", out _, out _));
        Assert.Equal(ObjectMix.DefaultText, ObjectMix.Default.ToString());
    }

    [Fact]
    public void The_map_weighs_its_nodes_drives_and_ranges_and_the_meta_group_takes_a_heartbeat_a_node_a_second()
    {
        var small = MetaModel.Size(20, 4, 200);
        var large = MetaModel.Size(20, 4, 400);
        Assert.InRange(small.BytesPerRange, 100, 1000);
        Assert.Equal(small.MapBytes + 200 * small.BytesPerRange, large.MapBytes, 200 * small.BytesPerRange * 0.02);
        Assert.InRange(small.BytesPerNode, 50, 1000);
        Assert.InRange(small.BytesPerDrive, 30, 500);
        var load = MetaModel.Load(20, 4, 200, objectsPerRange: 100_000, ingestPerSecond: 1000, driveAfr: 0.02, small, minimumCpu: TimeSpan.FromMilliseconds(20));
        Assert.Equal(20, load.HeartbeatsPerSecond, precision: 9);
        Assert.Equal(0.01, load.SplitsPerSecond, precision: 9);
        Assert.Equal(MetaModel.RememberedRequests / load.CommandsPerSecond, load.DedupeWindowSeconds, precision: 9);
        Assert.True(load.HeartbeatApplyMicroseconds > 0);
    }

    [Fact]
    public void Steady_durability_is_the_stripe_model_over_every_blob_and_falls_as_repair_slows()
    {
        var data = new DataScale(1_000_000_000, ObjectMix.Default, 8, 4);
        var fast = ScaleModel.Steady("fast", data, 1200, 0.02, TimeSpan.FromMinutes(10));
        var slow = ScaleModel.Steady("slow", data, 1200, 0.02, TimeSpan.FromHours(24));
        var hours = ScaleModel.DetectionHours + 10 / 60.0;
        Assert.Equal(hours, fast.RepairHours, precision: 9);
        var expected = StripeDurability.Nines(StripeDurability.AnnualLossProbability([new StripeMargins(8, 4, 4, 500_000_000)], 1200, 1200, 0.02, hours));
        Assert.Equal(expected, fast.StoreNines, precision: 9);
        Assert.Equal(DurabilityLedger.AnnualNines(1200, 4, 0.02, hours), fast.DriveModelNines, precision: 9);
        Assert.True(slow.StoreNines < fast.StoreNines - 3);
    }

    [Fact]
    public void A_scaled_loss_reads_k_fragments_a_rebuilt_one_today_and_spreads_them_by_design()
    {
        var shape = new ClusterShape(1, 4, 4, 3);
        var placed = PlacementSimulation.Place(new SimulationSettings(shape, 4, 2, 2, 2000, 64L << 20, 10));
        var node = placed.Drives[0].DomainAt(2);
        var drives = placed.DrivesIn(node);
        var data = new DataScale(10_000_000, ObjectMix.Parse("64MiB:1"), 4, 2);
        var loss = ScaleModel.Scale("node", PlacementSimulation.Lose(placed, node, drives), placed, drives, data, 10, TimeSpan.FromMilliseconds(5));
        // Normalised to the node's share: a sixteenth of the raw bytes is lost.
        Assert.Equal(data.RawBytes / 16, loss.FragmentBytesLost, data.RawBytes / 16 * 1e-9);
        Assert.Equal(4 * loss.FragmentBytesLost, loss.RepairerBytes, loss.RepairerBytes * 1e-9);
        Assert.True(loss.DesignTime < loss.TodayTransferTime / 5, $"{loss.DesignTime} against {loss.TodayTransferTime}");
        Assert.Equal(loss.BlobsDegraded * 0.005, loss.TodayCommitTime.TotalSeconds, loss.TodayCommitTime.TotalSeconds * 1e-6);
        var during = ScaleModel.During("node", loss, data, placed.Drives.Count, drives.Count, 0.02, loss.DesignTime);
        var steady = ScaleModel.Steady("steady", data, placed.Drives.Count, 0.02, loss.DesignTime);
        Assert.True(during.StoreNines < steady.StoreNines);
    }
}

public sealed class SpreadBackAfterJoinTests
{
    [Fact]
    public void Spread_back_would_move_exactly_the_fragments_rendezvous_displaces_onto_new_nodes()
    {
        // What `simulate rebalance` says of today's code: nothing moves when nodes join, but the spread-back pass that
        // follows a scheduled scrub plans, for each blob, the moves SpreadPlan finds against a placement that has the new
        // nodes — the same fragments rendezvous displaces.
        var shape = new ClusterShape(1, 5, 4, 2);
        var before = shape.Drives();
        var after = before.Concat(shape.AddedNodes(4, newRacks: true)).ToArray();
        var old = new Cairn.Placement.RendezvousPlacement(before, 2);
        var grown = new Cairn.Placement.RendezvousPlacement(after, 2);
        var empty = new HashSet<string>();
        int planned = 0, displaced = 0;
        var newDrives = after.Skip(before.Count).Select(d => d.Id).ToHashSet();
        for (var b = 0; b < 500; b++)
        {
            var id = PlacementSimulation.BlobId(b);
            var drives = old.Place(id, 4, 2);
            var layout = new Cairn.Core.Blobs.BlobLayout { BlobId = id, Length = 1 << 20, DataFragments = 4, ParityFragments = 2, StripeSize = 1 << 20, Drives = drives };
            var moves = SpreadPlan.Moves(layout, grown, empty);
            planned += moves.Count;
            displaced += grown.Place(id, 4, 2).Except(drives).Count();
            Assert.All(moves.Values, target => Assert.Contains(target, newDrives));
        }
        Assert.True(displaced > 0);
        Assert.Equal(displaced, planned);
    }
}
