using System.Security.Cryptography;
using System.Text;

namespace Cairn.Auth.Tests;

/// <summary>
/// An independent aws-chunked encoder (written from the AWS docs, sharing no code with the decoder)
/// producing the byte layout the AWS SDK for .NET sends.
/// </summary>
internal sealed class ChunkedBody
{
    private const string EmptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    public required byte[] SigningKey { get; init; }
    public required string AmzDate { get; init; }
    public required string Scope { get; init; }
    public required string Seed { get; init; }

    public static byte[] DeriveKey(string secret, string date, string region = "us-east-1", string service = "s3")
    {
        byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));
        return Hmac(Hmac(Hmac(Hmac(Encoding.UTF8.GetBytes("AWS4" + secret), date), region), service), "aws4_request");
    }

    public string ChunkSignature(string previous, ReadOnlySpan<byte> data) => Sign(
        "AWS4-HMAC-SHA256-PAYLOAD\n" + AmzDate + "\n" + Scope + "\n" + previous + "\n" + EmptyHash + "\n"
        + Convert.ToHexStringLower(SHA256.HashData(data)));

    public string TrailerSignature(string previous, string canonicalTrailers) => Sign(
        "AWS4-HMAC-SHA256-TRAILER\n" + AmzDate + "\n" + Scope + "\n" + previous + "\n"
        + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalTrailers))));

    private string Sign(string stringToSign) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(SigningKey, Encoding.UTF8.GetBytes(stringToSign)));

    /// <summary>Signed chunks; with trailers, the zero chunk is followed directly by them (as the .NET SDK does).</summary>
    public byte[] Signed(byte[] data, int chunkSize, IReadOnlyList<(string Name, string Value)>? trailers = null)
    {
        var output = new MemoryStream();
        string previous = Seed;
        for (int offset = 0; offset < data.Length; offset += chunkSize)
        {
            var chunk = data.AsSpan(offset, Math.Min(chunkSize, data.Length - offset));
            previous = ChunkSignature(previous, chunk);
            Write(output, $"{chunk.Length:X};chunk-signature={previous}\r\n");
            output.Write(chunk);
            Write(output, "\r\n");
        }
        previous = ChunkSignature(previous, []);
        Write(output, $"0;chunk-signature={previous}\r\n");
        if (trailers is null)
        {
            Write(output, "\r\n");
            return output.ToArray();
        }
        var canonical = new StringBuilder();
        foreach (var (name, value) in trailers.OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            canonical.Append(name).Append(':').Append(value).Append('\n');
        }
        foreach (var (name, value) in trailers) Write(output, $"{name}:{value}\r\n");
        Write(output, $"x-amz-trailer-signature:{TrailerSignature(previous, canonical.ToString())}\r\n\r\n");
        return output.ToArray();
    }

    /// <summary>STREAMING-UNSIGNED-PAYLOAD-TRAILER framing.</summary>
    public static byte[] Unsigned(byte[] data, int chunkSize, IReadOnlyList<(string Name, string Value)> trailers)
    {
        var output = new MemoryStream();
        for (int offset = 0; offset < data.Length; offset += chunkSize)
        {
            int length = Math.Min(chunkSize, data.Length - offset);
            Write(output, $"{length:X}\r\n");
            output.Write(data, offset, length);
            Write(output, "\r\n");
        }
        Write(output, "0\r\n");
        foreach (var (name, value) in trailers) Write(output, $"{name}:{value}\r\n");
        Write(output, "\r\n");
        return output.ToArray();
    }

    private static void Write(Stream s, string text) => s.Write(Encoding.ASCII.GetBytes(text));
}
