using Cairn.Core.Keys;
using Cairn.Cluster.Map;
using Cairn.Cluster.Meta;
using CsCheck;
using static Cairn.Cluster.Tests.MetaFixture;

namespace Cairn.Cluster.Tests;

public sealed class RangeMapTests
{
    [Fact]
    public void An_operators_split_point_is_marked_for_the_merger_to_keep_and_an_automatic_one_is_not()
    {
        var map = MetaStateMachine.Apply(ThreeZones(), new SplitRange(1, "b", "m") { At = T0, ByOperator = true });
        map = MetaStateMachine.Apply(map, new SplitRange(map.RangeFor("b", "t").GroupId, "b", "t") { At = T0 });
        Assert.Equal([false, true, false], map.Ranges.Select(r => r.SplitByOperator));
        Assert.Equal(Bytes(map), Bytes(MetaCodec.DecodeMap(MetaCodec.Encode(map))));
        Assert.True(MetaCodec.DecodeMap(MetaCodec.Encode(map)).Ranges[1].SplitByOperator);
    }

    [Fact]
    public void Bootstrap_range_covers_the_whole_key_space()
    {
        var map = ThreeZones();
        var range = Assert.Single(map.Ranges);
        Assert.Empty(range.Start);
        Assert.Null(range.End);
        Assert.Same(range, map.RangeFor("", ""));
        Assert.Same(range, map.RangeFor("zzz", "\uFFFF\uFFFF"));
    }

    [Fact]
    public void Keys_route_to_ranges_at_and_around_a_split_point()
    {
        var map = ThreeZones().Split("photos", "m");
        var (left, right) = (map.Ranges[0], map.Ranges[1]);

        // The split point itself starts the right half; "photo\0" sorts before "photos\0", "photos0" is another bucket.
        AssertRoutes(map, right, ("photos", "m"), ("photos", "m\u0001"), ("photos", "ma"), ("photos", "n"), ("photot", ""), ("photos0", "a"));
        AssertRoutes(map, left, ("photos", "l\uFFFF"), ("photos", "l"), ("photos", ""), ("photo", "zzz"));
    }

    [Fact]
    public void Routing_compares_UTF8_bytes_not_UTF16_code_units()
    {
        // U+FF5E is EF BD 9E in UTF-8; U+1F600 is F0 9F 98 80 but D83D DE00 in UTF-16, so the two orders disagree.
        var map = ThreeZones().Split("b", "\uFF5E");
        var (left, right) = (map.Ranges[0], map.Ranges[1]);
        Assert.True(string.CompareOrdinal("😀", "\uFF5E") < 0);

        AssertRoutes(map, right, ("b", "😀"), ("b", "\uFF5E"), ("b", "\uFF5Ea"));
        AssertRoutes(map, left, ("b", "\uFF5D"), ("b", "é"), ("b", "\u007F"));
    }

    private static void AssertRoutes(ClusterMap map, RangeDescriptor expected, params (string Bucket, string Key)[] keys)
    {
        foreach (var (bucket, key) in keys) Assert.True(expected == map.RangeFor(bucket, key), $"{bucket}/{key} should route to {expected}");
    }

    [Fact]
    public void A_bucket_spanning_several_ranges_lists_them_in_key_order()
    {
        var map = ThreeZones().Split("b", "p").Split("a", "x").Split("b", "g").Split("c", "").Split("b", "é");

        Assert.Equal(
            [RangeKeys.Point("a", "x"), RangeKeys.Point("b", "g"), RangeKeys.Point("b", "p"), RangeKeys.Point("b", "é")],
            map.RangesOfBucket("b").Select(r => r.Start));
        Assert.Equal(map.RangeFor("b", "").GroupId, map.RangesOfBucket("b")[0].GroupId);
        Assert.Equal([RangeKeys.Point("c", "")], map.RangesOfBucket("c").Select(r => r.Start));  // a range starting at the bucket
        Assert.Equal([RangeKeys.Point("b", "é")], map.RangesOfBucket("bb").Select(r => r.Start));
        Assert.Equal([RangeKeys.Point("a", "x")], map.RangesOfBucket("a").Skip(1).Select(r => r.Start));
    }

    [Fact]
    public void Split_gives_both_halves_new_generations_and_the_right_half_a_new_group_with_the_same_members()
    {
        var map = ThreeZones();
        var before = map.Ranges[0];
        var split = map.Split("b", "k");

        var (left, right) = (split.Ranges[0], split.Ranges[1]);
        Assert.Equal(before.GroupId, left.GroupId);
        Assert.NotEqual(before.GroupId, right.GroupId);
        Assert.Equal(before.Generation + 1, left.Generation);
        Assert.Equal(before.Generation + 1, right.Generation);
        Assert.Equal(before.Members, right.Members);
        Assert.Equal(left.End, right.Start);
        Assert.Equal(RangeKeys.Point("b", "k"), right.Start);
    }

    [Fact]
    public void Split_is_refused_at_a_range_start_outside_the_range_or_at_a_stale_generation()
    {
        var map = ThreeZones().Split("b", "k");
        var right = map.Ranges[1];

        Refused(map, new SplitRange(right.GroupId, "b", "k") { At = T0 }, MetaError.SplitOutsideRange);
        Refused(map, new SplitRange(right.GroupId, "b", "a") { At = T0 }, MetaError.SplitOutsideRange);
        Refused(map, new SplitRange(right.GroupId, "b", "z", ExpectedGeneration: 1) { At = T0 }, MetaError.StaleGeneration);
        Refused(map, new SplitRange(99, "b", "z") { At = T0 }, MetaError.NoSuchGroup);
        Refused(map, new SplitRange(right.GroupId, "", "z") { At = T0 }, MetaError.InvalidArgument);
    }

    [Fact]
    public void Merge_gives_the_left_range_the_right_s_keys_a_new_generation_and_a_record_of_the_group_it_took_in()
    {
        var map = ThreeZones().Split("b", "k").Split("b", "t");
        var (left, middle, right) = (map.Ranges[0], map.Ranges[1], map.Ranges[2]);

        var merged = MetaStateMachine.Apply(map, new MergeRanges(left.GroupId, middle.GroupId, left.Generation, middle.Generation) { At = T0 });

        Assert.Equal(2, merged.Ranges.Count);
        var taken = merged.Ranges[0];
        Assert.Equal(left.GroupId, taken.GroupId);
        Assert.Equal(left.Start, taken.Start);
        Assert.Equal(middle.End, taken.End);
        Assert.Equal(Math.Max(left.Generation, middle.Generation) + 1, taken.Generation);
        Assert.Equal(middle.GroupId, taken.Merged!.GroupId);
        Assert.Equal(middle.Start, taken.Merged.Start);
        Assert.Null(merged.Group(middle.GroupId));
        Assert.Same(taken, merged.RangeFor("b", "m"));
        Assert.Equal(right, merged.Ranges[1]);
        Assert.Equal(map.NextGroupId, merged.NextGroupId); // a group id is never given again
        Assert.Equal(Bytes(merged), Bytes(MetaCodec.DecodeMap(MetaCodec.Encode(merged))));

        // Merging the last two as well leaves one range over the whole key space again.
        var whole = MetaStateMachine.Apply(merged, new MergeRanges(taken.GroupId, right.GroupId) { At = T0 });
        var one = Assert.Single(whole.Ranges);
        Assert.Empty(one.Start);
        Assert.Null(one.End);
    }

    [Fact]
    public void Merge_is_refused_for_ranges_not_adjacent_on_other_members_or_at_a_stale_generation()
    {
        var map = ThreeZones().Split("b", "k").Split("b", "t");
        var (left, middle, right) = (map.Ranges[0], map.Ranges[1], map.Ranges[2]);

        Refused(map, new MergeRanges(left.GroupId, right.GroupId) { At = T0 }, MetaError.NotAdjacent);
        Refused(map, new MergeRanges(middle.GroupId, left.GroupId) { At = T0 }, MetaError.NotAdjacent);
        Refused(map, new MergeRanges(right.GroupId, left.GroupId) { At = T0 }, MetaError.NotAdjacent);
        Refused(map, new MergeRanges(left.GroupId, left.GroupId) { At = T0 }, MetaError.NotAdjacent);
        Refused(map, new MergeRanges(left.GroupId, 99) { At = T0 }, MetaError.NoSuchGroup);
        Refused(map, new MergeRanges(left.GroupId, middle.GroupId, ExpectedLeftGeneration: left.Generation - 1) { At = T0 }, MetaError.StaleGeneration);
        Refused(map, new MergeRanges(left.GroupId, middle.GroupId, ExpectedRightGeneration: middle.Generation + 1) { At = T0 }, MetaError.StaleGeneration);

        // A split of either range since it was read moves its generation on: the merge read before it is refused.
        var resplit = map.Split("b", "c");
        Refused(resplit, new MergeRanges(left.GroupId, middle.GroupId, left.Generation, middle.Generation) { At = T0 }, MetaError.StaleGeneration);

        // Ranges on different members need a replica move first.
        var fourNodes = Bootstrapped(Node("n1", "z1/r1/m1"), Node("n2", "z2/r1/m2"), Node("n3", "z3/r1/m3"), Node("n4", "z4/r1/m4")).Split("b", "k");
        var (a, b) = (fourNodes.Ranges[0], fourNodes.Ranges[1]);
        var outsider = new[] { "n1", "n2", "n3", "n4" }.First(n => !b.Members.Contains(n));
        var moved = MetaStateMachine.Apply(fourNodes, new MoveReplica(b.GroupId, b.Members[0], outsider) { At = T0 });
        Refused(moved, new MergeRanges(a.GroupId, b.GroupId) { At = T0 }, MetaError.MembersDiffer);
    }

    private static readonly string[] Buckets = ["b", "b1", "photos"];
    private static readonly Gen<string> Keys = Gen.OneOf<string>("", "a", "m", "/", "é", "\uFF5E", "😀", "z").Array[0, 4].Select(string.Concat);

    [Fact]
    public void Random_splits_keep_the_ranges_covering_the_key_space_without_gap_or_overlap() =>
        Gen.Select(Gen.Int[0, Buckets.Length - 1], Keys, Gen.Int[0, 9]).Array[1, 40].Sample(steps =>
        {
            var map = ThreeZones();
            var probes = new List<(string Bucket, string Key)> { ("a", ""), ("zz", "") };
            foreach (var (b, key, pick) in steps)
            {
                var bucket = Buckets[b];
                probes.Add((bucket, key));
                // Mostly the owning range; sometimes another one, which must refuse and change nothing.
                var owner = map.RangeFor(bucket, key);
                var target = pick == 0 ? map.Ranges[key.Length % map.Ranges.Count] : owner;
                var split = new SplitRange(target.GroupId, bucket, key) { At = T0 };
                if (target == owner && owner.StrictlyInside(RangeKeys.Point(bucket, key))) map = MetaStateMachine.Apply(map, split);
                else Refused(map, split, MetaError.SplitOutsideRange);
                AssertCovers(map, probes);
            }
        }, iter: 200, print: steps => string.Join(" ", steps.Select(s => $"{Buckets[s.Item1]}/{s.Item2}#{s.Item3}")));

    private static void AssertCovers(ClusterMap map, List<(string Bucket, string Key)> probes)
    {
        Assert.Empty(map.Ranges[0].Start);
        Assert.Null(map.Ranges[^1].End);
        for (var i = 0; i + 1 < map.Ranges.Count; i++)
        {
            Assert.NotNull(map.Ranges[i].End);
            Assert.Equal(map.Ranges[i].End, map.Ranges[i + 1].Start);
            Assert.True(RangeKeys.Compare(map.Ranges[i].Start, map.Ranges[i].End) < 0);
        }
        Assert.Equal(map.Ranges.Count, map.Ranges.Select(r => r.GroupId).Distinct().Count());
        foreach (var (bucket, key) in probes)
        {
            var point = RangeKeys.Point(bucket, key);
            var owner = Assert.Single(map.Ranges, r => r.Contains(point));
            Assert.Same(owner, map.RangeFor(bucket, key));
        }
        foreach (var bucket in Buckets)
        {
            var ranges = map.RangesOfBucket(bucket);
            Assert.True(ranges[0].Contains(RangeKeys.BucketStart(bucket)));
            Assert.True(RangeKeys.CompareEnd(ranges[^1].End, RangeKeys.BucketEnd(bucket)) >= 0);
            Assert.Equal(ranges, map.Ranges.Where(r => ranges.Contains(r)));  // contiguous run, in key order
        }
    }
}
