using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Cairn.Auth;
using Cairn.Auth.Internal;
using Cairn.Fuzz.Tests.Engine;

namespace Cairn.Fuzz.Tests.Targets;

/// <summary>
/// The aws-chunked decoder alone, signed (chunk and trailer signatures chained from a seed) or with unsigned trailers.
/// The input's first line carries what the request headers would: "declared-length trailer-expected(0|1) seed-signature
/// declared-trailers(comma-separated) read-size", "-" for none; the rest is the body.
/// </summary>
public sealed class AwsChunkedTarget(bool signed) : FuzzTarget
{
    private const string AmzDate = "20130524T000000Z";
    private const string Scope = "20130524/us-east-1/s3/aws4_request";
    private static readonly byte[] SigningKey = DeriveKey("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");

    public override string Name => signed ? "aws-chunked-signed" : "aws-chunked-unsigned-trailer";

    protected override IEnumerable<string> Words =>
    [
        "\r\n", "\n", "\r", ";", ";chunk-signature=", "chunk-signature=", "0\r\n", "0;chunk-signature=", "\r\n\r\n", ":", " ",
        "x-amz-checksum-crc32:", "x-amz-checksum-crc32c:", "x-amz-checksum-sha256:", "x-amz-trailer-signature:", "ffffffffffffffff",
        "10000", "7fffffffffffffff", "x-amz-checksum-crc32", "-",
    ];

    public override async Task RunAsync(byte[] input)
    {
        int newline = Array.IndexOf(input, (byte)'\n');
        if (newline < 0) return;
        var fields = Encoding.Latin1.GetString(input, 0, newline).Split(' ');
        string Field(int i) => i < fields.Length ? fields[i] : "-";
        long? declared = long.TryParse(Field(0), NumberStyles.None, CultureInfo.InvariantCulture, out var d) ? d : null;
        bool trailerExpected = Field(1) == "1";
        var seed = Field(2);
        string[] trailers = Field(3) == "-" ? [] : Field(3).Split(',');
        int readSize = int.TryParse(Field(4), NumberStyles.None, CultureInfo.InvariantCulture, out var r) ? r : 4096;

        ChunkSigningContext? signing = null;
        if (signed)
        {
            // The verifier hands the decoder a seed it has already checked: 64 hex characters.
            if (seed.Length != 64 || !seed.All(char.IsAsciiHexDigitLower)) return;
            signing = new ChunkSigningContext(SigningKey, AmzDate, Scope, seed);
        }
        var body = input[(newline + 1)..];
        await using var stream = new AwsChunkedStream(new TrickleStream(body, 1 + body.Length % 89), signing, trailerExpected, declared, trailers);
        await Drain.ReadToEndAsync(stream, readSize);
    }

    private static byte[] DeriveKey(string secret)
    {
        byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));
        return Hmac(Hmac(Hmac(Hmac(Encoding.UTF8.GetBytes("AWS4" + secret), "20130524"), "us-east-1"), "s3"), "aws4_request");
    }
}
