namespace Cairn.Lifecycle.Tests;

public sealed class LifecycleFilterTests
{
    private static readonly Dictionary<string, string> NoTags = new();

    [Fact]
    public void Empty_filter_matches_everything() => Assert.True(LifecycleFilter.All.Matches("x", 0, NoTags));

    [Theory]
    [InlineData("logs/a.txt", true)]
    [InlineData("logs/", true)]
    [InlineData("logs", false)]
    [InlineData("Logs/a.txt", false)]
    [InlineData("data/logs/a.txt", false)]
    public void Prefix_matches_ordinally_from_the_start(string key, bool matches) =>
        Assert.Equal(matches, new LifecycleFilter { Prefix = "logs/" }.Matches(key, 1, NoTags));

    [Fact]
    public void Every_tag_must_match_exactly_and_extra_tags_are_fine()
    {
        var filter = new LifecycleFilter { Tags = [new LifecycleTag("team", "infra"), new LifecycleTag("tier", "cold")] };
        Assert.True(filter.Matches("k", 1, new Dictionary<string, string> { ["team"] = "infra", ["tier"] = "cold", ["x"] = "y" }));
        Assert.False(filter.Matches("k", 1, new Dictionary<string, string> { ["team"] = "infra" }));
        Assert.False(filter.Matches("k", 1, new Dictionary<string, string> { ["team"] = "Infra", ["tier"] = "cold" }));
    }

    [Fact]
    public void Tag_with_empty_value_matches_only_an_empty_value()
    {
        var filter = new LifecycleFilter { Tags = [new LifecycleTag("flag", "")] };
        Assert.True(filter.Matches("k", 1, new Dictionary<string, string> { ["flag"] = "" }));
        Assert.False(filter.Matches("k", 1, new Dictionary<string, string> { ["flag"] = "on" }));
    }

    [Theory]
    [InlineData(100, false)]
    [InlineData(101, true)]
    [InlineData(199, true)]
    [InlineData(200, false)]
    public void Sizes_are_strict_bounds(long size, bool matches) =>
        Assert.Equal(matches, new LifecycleFilter { ObjectSizeGreaterThan = 100, ObjectSizeLessThan = 200 }.Matches("k", size, NoTags));

    [Fact]
    public void All_conditions_combine_with_and()
    {
        var filter = new LifecycleFilter { Prefix = "a/", Tags = [new LifecycleTag("t", "1")], ObjectSizeGreaterThan = 10 };
        var tags = new Dictionary<string, string> { ["t"] = "1" };
        Assert.True(filter.Matches("a/x", 11, tags));
        Assert.False(filter.Matches("b/x", 11, tags));
        Assert.False(filter.Matches("a/x", 10, tags));
        Assert.False(filter.Matches("a/x", 11, NoTags));
    }

    [Fact]
    public void Describes_itself_as_aws_names_filters_in_messages()
    {
        Assert.Equal("(prefix=)", LifecycleFilter.All.ToString());
        var filter = new LifecycleFilter { Prefix = "p/", Tags = [new LifecycleTag("k", "v")], ObjectSizeLessThan = 5 };
        Assert.Equal("(prefix=p/ and tag={key=k, value=v} and objectsizelessthan=5)", filter.ToString());
    }
}
