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
