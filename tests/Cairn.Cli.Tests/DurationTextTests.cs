using Cairn.Cli.Bench;

namespace Cairn.Cli.Tests;

public sealed class DurationTextTests
{
    [Theory]
    [InlineData("20s", 20_000)]
    [InlineData("1m", 60_000)]
    [InlineData("500ms", 500)]
    [InlineData("1h", 3_600_000)]
    [InlineData("1m30s", 90_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData("2S", 2_000)]
    public void Parses_units(string text, double expectedMs) => Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), DurationText.Parse(text));

    [Theory]
    [InlineData("")]
    [InlineData("20")]
    [InlineData("s")]
    [InlineData("5d")]
    [InlineData("0s")]
    [InlineData("-1s")]
    public void Rejects_bad_durations(string text) => Assert.False(DurationText.TryParse(text, out _, out _));
}

public sealed class ClockOffsetTextTests
{
    [Theory]
    [InlineData("5m", 300_000)]
    [InlineData("+90s", 90_000)]
    [InlineData("-90s", -90_000)]
    [InlineData("-1h30m", -5_400_000)]
    [InlineData("0", 0)]
    public void Parses_signed_offsets(string text, double expectedMs)
    {
        Assert.True(DurationText.TryParseOffset(text, out var offset, out var error), error);
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), offset);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-")]
    [InlineData("--5m")]
    [InlineData("5")]
    [InlineData("-00:10:00")]
    public void Rejects_what_is_not_an_offset(string text) => Assert.False(DurationText.TryParseOffset(text, out _, out _));
}
