using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Xml.Linq;
using Cairn.Auth;
using Cairn.Testing;

namespace Cairn.FrontDoor.Tests;

/// <summary>A server whose minimum upload rate is high and whose grace is short, so that a stalled upload ends within seconds.</summary>
public sealed class RequestLimitsFixture : ServerFixture
{
    protected override string[] ServerArguments => ["--min-upload-rate", "5000", "--upload-rate-grace", "2s"];
}

/// <summary>The request limits S3 has an error for, answered with that error rather than a bare 4xx.</summary>
public sealed class RequestLimitTests(RequestLimitsFixture fixture) : IClassFixture<RequestLimitsFixture>
{
    private readonly RawS3 raw = new(fixture.Server);

    [Fact]
    public async Task Header_section_over_8_KiB_is_RequestHeaderSectionTooLarge()
    {
        var bucket = await raw.NewBucketAsync("hdr");
        using (var fits = await raw.SendAsync(HttpMethod.Put, $"/{bucket}/fits", RawS3.Bytes("x"),
                   r => r.Headers.Add("x-cairn-padding", new string('a', 6000))))
            Assert.Equal(HttpStatusCode.OK, fits.StatusCode);

        using var large = await raw.SendAsync(HttpMethod.Put, $"/{bucket}/large", RawS3.Bytes("x"),
            r => r.Headers.Add("x-cairn-padding", new string('a', 8200)));
        Assert.Equal(HttpStatusCode.BadRequest, large.StatusCode);
        var error = XDocument.Parse(await large.Content.ReadAsStringAsync()).Root!;
        Assert.Equal("RequestHeaderSectionTooLarge", error.Element("Code")?.Value);
        Assert.Equal("Your request header section exceeds the maximum allowed size.", error.Element("Message")?.Value);
        Assert.Equal("8192", error.Element("MaxSizeAllowed")?.Value);
    }

    [Fact]
    public async Task User_metadata_over_2_KiB_is_MetadataTooLarge()
    {
        var bucket = await raw.NewBucketAsync("meta");
        // Key "k" (1 byte) + value: 2,048 bytes in all fits; one more does not.
        using (var fits = await raw.SendAsync(HttpMethod.Put, $"/{bucket}/fits", RawS3.Bytes("x"), r => r.Headers.Add("x-amz-meta-k", new string('v', 2047))))
            Assert.Equal(HttpStatusCode.OK, fits.StatusCode);
        using var over = await raw.SendAsync(HttpMethod.Put, $"/{bucket}/over", RawS3.Bytes("x"), r => r.Headers.Add("x-amz-meta-k", new string('v', 2048)));
        Assert.Equal((400, "MetadataTooLarge"), await SignedHttp.ErrorOf(over));
        using var multipart = await raw.SendAsync(HttpMethod.Post, $"/{bucket}/mpu?uploads", configure: r => r.Headers.Add("x-amz-meta-k", new string('v', 2048)));
        Assert.Equal((400, "MetadataTooLarge"), await SignedHttp.ErrorOf(multipart));
    }

    [Fact]
    public async Task Stalled_upload_ends_with_RequestTimeout()
    {
        var bucket = await raw.NewBucketAsync("slow");
        // A PUT announcing 1 MB that sends 100 bytes and then nothing: below --min-upload-rate once the 2 s grace is over.
        var request = new HttpRequestMessage(HttpMethod.Put, $"{fixture.Server.Endpoint}/{bucket}/stalled");
        SigV4Signer.Sign(request, ServerProcess.AccessKey, ServerProcess.SecretKey, ServerProcess.Region, DateTimeOffset.UtcNow, payloadSha256Hex: "UNSIGNED-PAYLOAD");
        var head = new StringBuilder($"PUT /{bucket}/stalled HTTP/1.1\r\nHost: 127.0.0.1:{fixture.Server.Port}\r\nContent-Length: 1000000\r\n");
        foreach (var (name, values) in request.Headers) head.Append(name).Append(": ").Append(string.Join(",", values)).Append("\r\n");
        head.Append("\r\n");

        using var socket = new TcpClient();
        await socket.ConnectAsync(IPAddress.Loopback, fixture.Server.Port);
        var stream = socket.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()));
        await stream.WriteAsync(new byte[100]);

        // The server answers (and closes) by itself; the deadline only keeps a broken server from hanging the test.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var answer = new MemoryStream();
        var buffer = new byte[4096];
        int read;
        while ((read = await stream.ReadAsync(buffer, deadline.Token)) > 0) answer.Write(buffer, 0, read);
        var text = Encoding.UTF8.GetString(answer.ToArray());
        Assert.StartsWith("HTTP/1.1 400", text);
        var body = XDocument.Parse(text[text.IndexOf("<?xml", StringComparison.Ordinal)..]).Root!;
        Assert.Equal("RequestTimeout", body.Element("Code")?.Value);
        Assert.Equal("Your socket connection to the server was not read from or written to within the timeout period. Idle connections will be closed.",
            body.Element("Message")?.Value);
    }
}
