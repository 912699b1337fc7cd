using Cairn.Cli.Bench;

namespace Cairn.Cli.Tests;

public sealed class ByteSizeTests
{
    [Theory]
    [InlineData("512B", 512L)]
    [InlineData("4KiB", 4096L)]
    [InlineData("64MiB", 64L * 1024 * 1024)]
    [InlineData("1GiB", 1L << 30)]
    [InlineData("1MB", 1_000_000L)]
    [InlineData("1KB", 1_000L)]
    [InlineData("4kib", 4096L)]
    [InlineData("1.5KiB", 1536L)]
    [InlineData("100", 100L)]
    [InlineData("0B", 0L)]
    public void Parses_binary_and_decimal_units(string text, long expected) => Assert.Equal(expected, ByteSize.Parse(text));

    [Theory]
    [InlineData("")]
    [InlineData("KiB")]
    [InlineData("4XB")]
    [InlineData("-4KiB")]
    [InlineData("1.3B")]
    [InlineData("four")]
    public void Rejects_what_is_not_a_whole_size(string text) => Assert.False(ByteSize.TryParse(text, out _, out _));

    [Fact]
    public void Formats_with_binary_units() => Assert.Equal("64MiB", ByteSize.Format(64L * 1024 * 1024));
}
