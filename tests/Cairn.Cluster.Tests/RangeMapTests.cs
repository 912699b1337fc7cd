using Cairn.Core.Keys;
using Cairn.Cluster.Map;
using Cairn.Cluster.Meta;
using CsCheck;
using static Cairn.Cluster.Tests.MetaFixture;

namespace Cairn.Cluster.Tests;

public sealed class RangeMapTests
{
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
