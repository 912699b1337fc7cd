namespace Cairn.Fuzz.Tests.Engine;

/// <summary>Reads a decoding stream to its end in reads of a given size, so every buffer boundary is crossed somewhere.</summary>
public static class Drain
{
    public static async Task<long> ReadToEndAsync(Stream stream, int readSize)
    {
        var buffer = new byte[Math.Clamp(readSize, 1, 64 * 1024)];
        long total = 0;
        int n;
        while ((n = await stream.ReadAsync(buffer)) > 0) total += n;
        return total;
    }
}

/// <summary>Serves bytes in pieces of at most <c>maxPerRead</c>, as a socket does.</summary>
public sealed class TrickleStream(byte[] data, int maxPerRead) : MemoryStream(data, writable: false)
{
    private readonly int most = Math.Max(1, maxPerRead);

    public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(buffer.Length, most)]);

    public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, most));

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        base.ReadAsync(buffer[..Math.Min(buffer.Length, most)], cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        base.ReadAsync(buffer, offset, Math.Min(count, most), cancellationToken);
}
