using Cairn.Cli.Bench;

namespace Cairn.Cli.Tests;

public sealed class RepeatingPayloadStreamTests
{
    [Fact]
    public void Repeats_the_block_up_to_the_length_and_rewinds()
    {
        var block = new byte[] { 1, 2, 3 };
        using var stream = new RepeatingPayloadStream(block, 8);
        var copy = new MemoryStream();
        stream.CopyTo(copy, 5);
        Assert.Equal(new byte[] { 1, 2, 3, 1, 2, 3, 1, 2 }, copy.ToArray());
        Assert.Equal(0, stream.Read(new byte[4]));

        stream.Position = 4;
        var tail = new byte[10];
        Assert.Equal(4, stream.Read(tail));
        Assert.Equal(new byte[] { 2, 3, 1, 2 }, tail[..4]);
    }
}
