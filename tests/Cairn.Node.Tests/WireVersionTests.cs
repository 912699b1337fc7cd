using Cairn.Transport;

namespace Cairn.Node.Tests;

/// <summary>
/// The range logic of <see cref="WireVersion"/>: two nodes talk when each understands the version the other speaks, so
/// consecutive releases talk during a rolling upgrade and a release two apart is refused with both versions named.
/// </summary>
public sealed class WireVersionTests
{
    // A rolling story: N-1 speaks 1; N understands 2 but still speaks 1; N+1 speaks 2, still understanding 1; N+2 drops 1.
    private static readonly WireVersion Before = new(1, 1, 1);
    private static readonly WireVersion Understands2 = new(1, 1, 2);
    private static readonly WireVersion Speaks2 = new(2, 1, 2);
    private static readonly WireVersion Only2 = new(2, 2, 2);

    [Fact]
    public void Consecutive_releases_talk_both_ways_and_a_skipped_release_does_not()
    {
        WireVersion[] releases = [Before, Understands2, Speaks2, Only2];
        for (var i = 0; i < releases.Length; i++)
            for (var j = 0; j < releases.Length; j++)
            {
                Assert.Equal(releases[i].CanTalkTo(releases[j]), releases[j].CanTalkTo(releases[i])); // symmetric
                if (Math.Abs(i - j) <= 1) Assert.True(releases[i].CanTalkTo(releases[j]), $"{releases[i]} with {releases[j]}");
            }
        Assert.False(Before.CanTalkTo(Speaks2), "N-1 does not understand 2");
        Assert.False(Understands2.CanTalkTo(Only2), "N+2 no longer understands 1");
        Assert.False(Before.CanTalkTo(Only2));
    }

    [Fact]
    public void This_release_speaks_a_version_it_understands_and_takes_a_call_without_headers_for_an_earlier_release()
    {
        Assert.True(WireVersion.Release.Understands(WireVersion.Release.Speaks));
        Assert.True(WireVersion.TryFromHeaders(null, null, out var unversioned));
        Assert.Equal(WireVersion.Unversioned, unversioned);
        Assert.True(WireVersion.Release.CanTalkTo(unversioned));
        Assert.True(WireVersion.TryFromHeaders("2", null, out var bare));
        Assert.Equal(new WireVersion(2, 2, 2), bare);
        Assert.True(WireVersion.TryFromHeaders("2", "1-3", out var ranged));
        Assert.Equal(new WireVersion(2, 1, 3), ranged);
        Assert.False(WireVersion.TryFromHeaders("two", null, out _));
        Assert.False(WireVersion.TryFromHeaders("2", "3-4", out _), "a range without the version spoken");
        Assert.False(WireVersion.TryFromHeaders(null, "1-1", out _), "a range without a version");
    }

    [Fact]
    public void The_test_override_reads_a_version_or_a_version_and_range_and_refuses_anything_else()
    {
        Assert.Equal(WireVersion.Release, WireVersion.FromOverride(null));
        Assert.Equal(WireVersion.Release, WireVersion.FromOverride(" "));
        Assert.Equal(new WireVersion(2, 2, 2), WireVersion.FromOverride("2"));
        Assert.Equal(new WireVersion(2, 1, 2), WireVersion.FromOverride("2:1-2"));
        foreach (var bad in new[] { "0", "-1", "x", "2:3-4", "2:1", "2:1-2-3", "1:2-1" })
            Assert.Contains(WireVersion.OverrideVariable, Assert.Throws<ArgumentException>(() => WireVersion.FromOverride(bad)).Message);
        Assert.Throws<ArgumentException>(() => new WireVersion(3, 1, 2));
    }

    [Fact]
    public void A_refusal_names_both_nodes_and_both_versions_and_which_side_cannot_understand()
    {
        var n1 = new ClusterWire(WireVersion.Release, "n1");
        Assert.Null(n1.Refusal("n4", WireVersion.Unversioned));

        var newer = n1.Refusal("n4", Only2);
        Assert.Equal("peer n4 speaks cairn wire 2; this node (n1) speaks cairn wire 1 and understands wire 1 only. "
            + "Upgrade one release at a time (docs/cluster.md, \"Versions and upgrades\").", newer);

        var ahead = new ClusterWire(Speaks2, "n1").Refusal("n4", Before);
        Assert.StartsWith("peer n4 speaks cairn wire 1 and understands wire 1 only; this node (n1) speaks cairn wire 2, which n4 does not understand.", ahead);
    }
}
