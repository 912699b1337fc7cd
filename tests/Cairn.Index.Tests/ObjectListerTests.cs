namespace Cairn.Index.Tests;

public sealed class ObjectListerTests
{
    [Fact]
    public async Task Common_prefixes_are_skipped_in_one_seek_and_pages_resume_after_the_marker()
    {
        await using var index = new IndexFixture();
        await index.Buckets.CreateAsync("lst", "o", "r");
        string[] keys = ["a", "b/1", "b/2", "b/3", "c/x/y", "d"];
        foreach (var k in keys) await index.Objects.PutAsync("lst", k, IndexFixture.Draft());

        var page = await index.Lister.ListAsync("lst", "", "/", null, 2);
        Assert.Equal(["a"], page.Objects.Select(o => o.Key));
        Assert.Equal(["b/"], page.CommonPrefixes);
        Assert.True(page.IsTruncated);
        Assert.Equal("b/", page.NextMarker);

        var next = await index.Lister.ListAsync("lst", "", "/", page.NextMarker, 10);
        Assert.Equal(["d"], next.Objects.Select(o => o.Key));
        Assert.Equal(["c/"], next.CommonPrefixes);
        Assert.False(next.IsTruncated);
    }

    [Fact]
    public async Task Max_keys_zero_returns_nothing_and_is_not_truncated()
    {
        await using var index = new IndexFixture();
        await index.Buckets.CreateAsync("lst0", "o", "r");
        await index.Objects.PutAsync("lst0", "a", IndexFixture.Draft());
        var page = await index.Lister.ListAsync("lst0", "", null, null, 0);
        Assert.Empty(page.Objects);
        Assert.False(page.IsTruncated);
    }

    [Fact]
    public async Task Keys_of_other_buckets_with_a_common_name_prefix_never_leak()
    {
        await using var index = new IndexFixture();
        await index.Buckets.CreateAsync("abc", "o", "r");
        await index.Buckets.CreateAsync("abcd", "o", "r");
        await index.Objects.PutAsync("abcd", "x", IndexFixture.Draft());
        var page = await index.Lister.ListAsync("abc", "", null, null, 100);
        Assert.Empty(page.Objects);
    }
}
