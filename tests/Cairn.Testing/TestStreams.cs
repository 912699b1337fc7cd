namespace Cairn.Testing;

public static class TestStreams
{
    /// <summary>Reads a response body to its end.</summary>
    public static async Task<byte[]> ReadAllBytesAsync(this Stream stream)
    {
        using var m = new MemoryStream();
        await stream.CopyToAsync(m);
        return m.ToArray();
    }
}
