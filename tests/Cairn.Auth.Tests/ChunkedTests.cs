using System.Text;
using Cairn.Auth.Internal;
using Microsoft.AspNetCore.Http;

namespace Cairn.Auth.Tests;

/// <summary>aws-chunked decoding through the public path (sign headers, Authenticate, OpenPayload).</summary>
public sealed class ChunkedTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 8, 24, 10, TimeSpan.Zero);
    private static readonly (string, string)[] Crc32Trailer = [("x-amz-checksum-crc32", "DUoRhQ==")];

    private static byte[] Data(int length)
    {
        var data = new byte[length];
        new Random(length).NextBytes(data);
        return data;
    }

    /// <summary>A request whose headers are signed like the AWS SDK's, with the body produced by <paramref name="encode"/>.</summary>
    private static (HttpRequest Request, SigV4Verifier Verifier) Upload(string contentSha256, long decodedLength,
        Func<ChunkedBody, byte[]> encode, bool declareTrailer = true, int trickle = int.MaxValue)
    {
        var message = new HttpRequestMessage(HttpMethod.Put, "http://127.0.0.1:9000/bkt/obj");
        message.Headers.TryAddWithoutValidation("Content-Encoding", "aws-chunked");
        message.Headers.TryAddWithoutValidation("x-amz-decoded-content-length", decodedLength.ToString());
        if (declareTrailer && contentSha256.EndsWith("TRAILER"))
        {
            message.Headers.TryAddWithoutValidation("x-amz-trailer", "x-amz-checksum-crc32");
            message.Headers.TryAddWithoutValidation("x-amz-sdk-checksum-algorithm", "CRC32");
        }
        SigV4Signer.Sign(message, Http.AccessKey, Http.Secret, "us-east-1", Now, payloadSha256Hex: contentSha256);
        var authorization = message.Headers.GetValues("Authorization").Single();
        var body = encode(new ChunkedBody
        {
            SigningKey = ChunkedBody.DeriveKey(Http.Secret, "20261123"),
            AmzDate = "20261123T082410Z",
            Scope = "20261123/us-east-1/s3/aws4_request",
            Seed = authorization[^64..],
        });
        var request = Http.FromMessage(message, new TrickleStream(body, trickle)).Result;
        return (request, Http.Verifier(Now));
    }

    private static async Task<(byte[] Data, PayloadStream Payload)> Decode((HttpRequest Request, SigV4Verifier Verifier) upload, int readSize = 64 * 1024)
    {
        var auth = upload.Verifier.Authenticate(upload.Request)!;
        var payload = upload.Verifier.OpenPayload(upload.Request, auth);
        return (await Http.ReadAll(payload, readSize), payload);
    }

    [Theory]
    [InlineData(0, 81920, int.MaxValue, 65536)]
    [InlineData(11, 81920, int.MaxValue, 65536)]
    [InlineData(100_000, 81920, int.MaxValue, 65536)]
    [InlineData(100_000, 81920, 1, 65536)]      // one byte per body read
    [InlineData(100_000, 8192, 3000, 1000)]     // small chunks, small reads
    [InlineData(300_000, 1 << 20, 70_000, 4096)] // one chunk bigger than the internal buffer
    [InlineData(5000, 1, int.MaxValue, 7)]      // one-byte chunks
    public async Task Signed_chunks_decode(int length, int chunkSize, int trickle, int readSize)
    {
        var data = Data(length);
        var (decoded, payload) = await Decode(Upload("STREAMING-AWS4-HMAC-SHA256-PAYLOAD", length, b => b.Signed(data, chunkSize), trickle: trickle), readSize);
        Assert.Equal(data, decoded);
        Assert.Empty(payload.Trailers);
        Assert.Equal(length, payload.BytesRead);
    }

    [Theory]
    [InlineData(11, int.MaxValue)]
    [InlineData(200_000, int.MaxValue)]
    [InlineData(200_000, 13)]
    public async Task Signed_chunks_with_signed_trailer_decode(int length, int trickle)
    {
        var data = Data(length);
        var upload = Upload("STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER", length, b => b.Signed(data, 81920, Crc32Trailer), trickle: trickle);
        var (decoded, payload) = await Decode(upload);
        Assert.Equal(data, decoded);
        Assert.Equal("DUoRhQ==", payload.Trailers["x-amz-checksum-crc32"]);
        Assert.Equal("DUoRhQ==", payload.Trailers["X-Amz-Checksum-CRC32"]);
    }

    [Theory]
    [InlineData(0, int.MaxValue)]
    [InlineData(200_000, int.MaxValue)]
    [InlineData(200_000, 1)]
    public async Task Unsigned_chunks_with_trailer_decode(int length, int trickle)
    {
        var data = Data(length);
        var upload = Upload("STREAMING-UNSIGNED-PAYLOAD-TRAILER", length, _ => ChunkedBody.Unsigned(data, 65536, Crc32Trailer), trickle: trickle);
        var (decoded, payload) = await Decode(upload);
        Assert.Equal(data, decoded);
        Assert.Equal("DUoRhQ==", payload.Trailers["x-amz-checksum-crc32"]);
    }

    [Fact]
    public void Sync_reads_decode_too()
    {
        var data = Data(100_000);
        var upload = Upload("STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER", data.Length, b => b.Signed(data, 8192, Crc32Trailer), trickle: 5000);
        var auth = upload.Verifier.Authenticate(upload.Request)!;
        using var payload = upload.Verifier.OpenPayload(upload.Request, auth);
        var output = new MemoryStream();
        payload.CopyTo(output, 10_000);
        Assert.Equal(data, output.ToArray());
        Assert.Equal("DUoRhQ==", payload.Trailers["x-amz-checksum-crc32"]);
    }

    /// <summary>The exact body the AWS SDK for .NET sent in clients/aws-PutObject-string-default-01-PUT.txt, re-signed with our key.</summary>
    [Fact]
    public async Task Sdk_layout_from_the_capture_decodes()
    {
        var upload = Upload("STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER", 11, b =>
        {
            var body = b.Signed("hello world"u8.ToArray(), 81920, Crc32Trailer);
            var text = Encoding.ASCII.GetString(body);
            Assert.Equal(304, body.Length); // same length as the captured request
            Assert.Matches("^B;chunk-signature=[0-9a-f]{64}\r\nhello world\r\n0;chunk-signature=[0-9a-f]{64}\r\nx-amz-checksum-crc32:DUoRhQ==\r\nx-amz-trailer-signature:[0-9a-f]{64}\r\n\r\n$", text);
            return body;
        });
        var (decoded, payload) = await Decode(upload);
        Assert.Equal("hello world"u8.ToArray(), decoded);
        Assert.Equal("DUoRhQ==", payload.Trailers["x-amz-checksum-crc32"]);
    }

    public static TheoryData<string, string> Corruptions() => new()
    {
        { "chunk-data", "SignatureDoesNotMatch" },
        { "chunk-signature", "SignatureDoesNotMatch" },
        { "final-signature", "SignatureDoesNotMatch" },
        { "trailer-value", "SignatureDoesNotMatch" },
        { "trailer-signature", "SignatureDoesNotMatch" },
        { "drop-trailer-signature", "SignatureDoesNotMatch" },
        { "drop-chunk-signature", "SignatureDoesNotMatch" },
        { "swap-chunks", "SignatureDoesNotMatch" },
        { "truncate-data", "IncompleteBody" },
        { "truncate-header", "IncompleteBody" },
        { "truncate-trailer", "IncompleteBody" },
        { "missing-crlf-after-data", "InvalidRequest" },
        { "bad-size", "InvalidRequest" },
        { "long-header", "InvalidRequest" },
        { "long-line-no-newline", "InvalidRequest" },
        { "extra-data", "InvalidRequest" },
    };

    [Theory]
    [MemberData(nameof(Corruptions))]
    public async Task Corrupt_signed_bodies_are_refused(string corruption, string code)
    {
        var data = Data(20_000);
        var upload = Upload("STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER", data.Length, b =>
        {
            var text = Encoding.Latin1.GetString(b.Signed(data, 8192, Crc32Trailer));
            int firstData = text.IndexOf("\r\n") + 2;
            string Sig(int nth) => text.Split("chunk-signature=")[nth + 1][..64];
            text = corruption switch
            {
                "chunk-data" => text[..(firstData + 5)] + (char)(text[firstData + 5] ^ 1) + text[(firstData + 6)..],
                "chunk-signature" => text.Replace(Sig(1), Sig(1)[..63] + (Sig(1)[63] == '0' ? '1' : '0')),
                "final-signature" => text.Replace(Sig(3), new string('0', 64)),
                "trailer-value" => text.Replace("DUoRhQ==", "DUoRhQ=A"),
                "trailer-signature" => text[..^6] + (text[^6] == '0' ? "1" : "0") + text[^5..],
                "drop-trailer-signature" => text[..text.IndexOf("x-amz-trailer-signature")] + "\r\n",
                "drop-chunk-signature" => text.Replace(";chunk-signature=" + Sig(0), ""),
                "swap-chunks" => text.Replace(Sig(0), "S0").Replace(Sig(1), Sig(0)).Replace("S0", Sig(1)),
                "truncate-data" => text[..(firstData + 100)],
                "truncate-header" => text[..(firstData + 8192 + 2 + 10)],
                "truncate-trailer" => text[..^40],
                "missing-crlf-after-data" => text[..(firstData + 8192)] + "XX" + text[(firstData + 8194)..],
                "bad-size" => "2g00" + text[4..],
                "long-header" => text.Replace(";chunk-signature=" + Sig(0), ";x=" + new string('x', 5000) + ";chunk-signature=" + Sig(0)),
                "long-line-no-newline" => "2000;" + new string('x', 100_000),
                "extra-data" => text + "garbage",
                _ => throw new ArgumentException(corruption),
            };
            return Encoding.Latin1.GetBytes(text);
        }, trickle: 1000);
        await Http.FailsAsync(code, () => Decode(upload));
    }

    [Fact]
    public async Task Decoded_length_must_match()
    {
        var data = Data(1000);
        await Http.FailsAsync("IncompleteBody", () => Decode(Upload("STREAMING-AWS4-HMAC-SHA256-PAYLOAD", 1001, b => b.Signed(data, 512))));
        await Http.FailsAsync("IncompleteBody", () => Decode(Upload("STREAMING-AWS4-HMAC-SHA256-PAYLOAD", 999, b => b.Signed(data, 512))));
        await Http.FailsAsync("IncompleteBody", () => Decode(Upload("STREAMING-UNSIGNED-PAYLOAD-TRAILER", 999, _ => ChunkedBody.Unsigned(data, 512, Crc32Trailer))));
    }

    [Fact]
    public async Task Declared_trailers_must_arrive()
    {
        var data = Data(1000);
        var upload = Upload("STREAMING-UNSIGNED-PAYLOAD-TRAILER", data.Length, _ => ChunkedBody.Unsigned(data, 512, []));
        await Http.FailsAsync("InvalidRequest", () => Decode(upload));
    }

    [Fact]
    public async Task Undeclared_trailers_are_still_exposed()
    {
        var data = Data(10);
        var upload = Upload("STREAMING-UNSIGNED-PAYLOAD-TRAILER", data.Length,
            _ => ChunkedBody.Unsigned(data, 512, [("x-amz-checksum-sha256", "abc=")]), declareTrailer: false);
        var (_, payload) = await Decode(upload);
        Assert.Equal("abc=", payload.Trailers["x-amz-checksum-sha256"]);
    }

    [Fact]
    public async Task A_blank_line_between_the_zero_chunk_and_the_trailers_is_tolerated()
    {
        var data = Data(100);
        var body = Encoding.Latin1.GetString(ChunkedBody.Unsigned(data, 64, Crc32Trailer)).Replace("\r\n0\r\n", "\r\n0\r\n\r\n");
        await using var payload = new AwsChunkedStream(new MemoryStream(Encoding.Latin1.GetBytes(body)), null, true, 100, ["x-amz-checksum-crc32"]);
        Assert.Equal(data, await Http.ReadAll(payload));
        Assert.Equal("DUoRhQ==", payload.Trailers["x-amz-checksum-crc32"]);
    }

    [Fact]
    public async Task Unsigned_chunks_may_carry_extensions_and_uppercase_sizes()
    {
        var body = "A;ext=1\r\n0123456789\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n"u8.ToArray();
        await using var payload = new AwsChunkedStream(new MemoryStream(body), null, true, 10, ["x-amz-checksum-crc32"]);
        Assert.Equal("0123456789"u8.ToArray(), await Http.ReadAll(payload));
    }

    [Fact]
    public async Task Trailers_are_empty_until_the_end()
    {
        var data = Data(50_000);
        var upload = Upload("STREAMING-UNSIGNED-PAYLOAD-TRAILER", data.Length, _ => ChunkedBody.Unsigned(data, 8192, Crc32Trailer));
        var auth = upload.Verifier.Authenticate(upload.Request)!;
        await using var payload = upload.Verifier.OpenPayload(upload.Request, auth);
        var buffer = new byte[1000];
        Assert.Equal(1000, await payload.ReadAsync(buffer));
        Assert.Empty(payload.Trailers);
        Assert.False(payload.IsCompleted);
        while (await payload.ReadAsync(buffer) > 0) { }
        Assert.True(payload.IsCompleted);
        Assert.Single(payload.Trailers);
    }

    [Fact]
    public async Task Header_lines_are_bounded_even_when_the_client_never_sends_a_newline()
    {
        // 1 MiB of hex digits: the decoder must give up after MaxLineLength, not buffer it all.
        var body = new TrickleStream(Enumerable.Repeat((byte)'1', 1 << 20).ToArray(), 512);
        await using var payload = new AwsChunkedStream(body, null, true, null);
        await Http.FailsAsync("InvalidRequest", () => Http.ReadAll(payload));
        Assert.True(body.Position <= AwsChunkedStream.MaxLineLength + 32 * 1024);
    }
}
