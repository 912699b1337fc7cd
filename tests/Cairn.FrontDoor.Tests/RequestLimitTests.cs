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

    [Fact]
    public async Task A_request_line_over_16_KiB_is_InvalidURI_and_a_key_over_1024_bytes_is_KeyTooLongError()
    {
        var bucket = await raw.NewBucketAsync("line");
        using (var fits = await raw.SendAsync(HttpMethod.Get, $"/{bucket}?list-type=2&prefix={new string('p', 15_000)}"))
            Assert.Equal(HttpStatusCode.OK, fits.StatusCode);
        using (var over = await raw.SendAsync(HttpMethod.Get, $"/{bucket}?list-type=2&prefix={new string('p', 16 * 1024)}"))
        {
            var error = await ErrorAsync(over, HttpStatusCode.BadRequest, "InvalidURI");
            Assert.Equal("16384", error.Element("MaxSizeAllowed")?.Value);
        }
        using (var key = await raw.SendAsync(HttpMethod.Get, $"/{bucket}/{new string('k', 1025)}"))
        {
            var error = await ErrorAsync(key, HttpStatusCode.BadRequest, "KeyTooLongError");
            Assert.Equal("1024", error.Element("MaxSizeAllowed")?.Value);
        }
        // Beyond Kestrel's own ceiling (64 KiB at this limit) Kestrel answers before Cairn sees the request: a bare 414, as documented.
        using var far = await raw.SendAsync(HttpMethod.Get, $"/{bucket}?list-type=2&prefix={new string('p', 70_000)}");
        Assert.Equal(HttpStatusCode.RequestUriTooLong, far.StatusCode);
        Assert.Empty(await far.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Two_hundred_short_headers_within_8_KiB_are_served()
    {
        // Kestrel's default of 100 header lines would refuse this request with a bare 431; S3 limits only the section's size.
        var bucket = await raw.NewBucketAsync("many");
        using var put = await raw.SendAsync(HttpMethod.Put, $"/{bucket}/k", RawS3.Bytes("x"), r =>
        {
            for (var i = 0; i < 200; i++) r.Headers.Add($"x-amz-meta-m{i}", "v");
        });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        using var head = await raw.SendAsync(HttpMethod.Head, $"/{bucket}/k");
        Assert.Equal("v", head.Headers.GetValues("x-amz-meta-m199").Single());
    }

    [Fact]
    public async Task A_configuration_body_over_1_MiB_is_MaxMessageLengthExceeded()
    {
        var bucket = await raw.NewBucketAsync("xml");
        // White space inside the document counts: 1 MiB of document is read, one byte more is not.
        const string head = "<VersioningConfiguration><Status>Enabled</Status>", tail = "</VersioningConfiguration>";
        using (var fits = await raw.SendAsync(HttpMethod.Put, $"/{bucket}?versioning", RawS3.Bytes(head + new string(' ', 1024 * 1024 - head.Length - tail.Length) + tail)))
            Assert.Equal(HttpStatusCode.OK, fits.StatusCode);
        using var over = await raw.SendAsync(HttpMethod.Put, $"/{bucket}?versioning", RawS3.Bytes(head + new string(' ', 1024 * 1024 - head.Length - tail.Length + 1) + tail), WithoutBody);
        var error = await ErrorAsync(over, HttpStatusCode.BadRequest, "MaxMessageLengthExceeded");
        Assert.Equal("Your request was too big.", error.Element("Message")?.Value);
    }

    [Fact]
    public async Task A_bucket_policy_over_20_KB_is_MalformedPolicy()
    {
        // (CORS over 64 KB: RequiredDigestTests.A_CORS_configuration_over_64_KB_is_refused_even_with_at_most_100_rules.)
        var bucket = await raw.NewBucketAsync("cfg");
        var statement = $$"""{"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::{{bucket}}/p/*"}""";
        var statements = string.Join(",", Enumerable.Repeat(statement, 20 * 1024 / statement.Length + 1));
        using var policy = await raw.SendAsync(HttpMethod.Put, $"/{bucket}?policy", RawS3.Bytes($$"""{"Version":"2012-10-17","Statement":[{{statements}}]}"""), WithoutBody);
        var error = await ErrorAsync(policy, HttpStatusCode.BadRequest, "MalformedPolicy");
        Assert.Equal("Policy exceeds the maximum allowed document size.", error.Element("Message")?.Value);
    }

    [Fact]
    public async Task DeleteObjects_takes_1000_of_the_longest_keys_and_CompleteMultipartUpload_refuses_over_5_MB()
    {
        var bucket = await raw.NewBucketAsync("big");
        // 1,000 keys of 1,024 bytes: over 1 MiB of XML, which DeleteObjects must take; 1,001 keys are MalformedXML.
        string Delete(int count) => "<Delete><Quiet>true</Quiet>" + string.Concat(Enumerable.Range(0, count).Select(i => $"<Object><Key>{i:D4}{new string('k', 1020)}</Key></Object>")) + "</Delete>";
        using (var thousand = await raw.SendAsync(HttpMethod.Post, $"/{bucket}?delete", SignedHttp.Xml(Delete(1000))))
            Assert.Equal(HttpStatusCode.OK, thousand.StatusCode);
        using (var more = await raw.SendAsync(HttpMethod.Post, $"/{bucket}?delete", SignedHttp.Xml(Delete(1001))))
            await ErrorAsync(more, HttpStatusCode.BadRequest, "MalformedXML");

        using var create = await raw.SendAsync(HttpMethod.Post, $"/{bucket}/mpu?uploads");
        var uploadId = XDocument.Parse(await create.Content.ReadAsStringAsync()).Root!.Elements().Single(e => e.Name.LocalName == "UploadId").Value;
        var manifest = "<CompleteMultipartUpload>" + new string(' ', 10_000 * 512) + "</CompleteMultipartUpload>";
        using var complete = await raw.SendAsync(HttpMethod.Post, $"/{bucket}/mpu?uploadId={uploadId}", RawS3.Bytes(manifest), WithoutBody);
        await ErrorAsync(complete, HttpStatusCode.BadRequest, "MaxMessageLengthExceeded");
    }

    /// <summary>
    /// Sends the body only after "100 Continue": a body refused by its declared length is answered before it is read, and
    /// a client still sending it when the connection closes could lose the answer.
    /// </summary>
    private static void WithoutBody(HttpRequestMessage request) => request.Headers.ExpectContinue = true;

    private static async Task<XElement> ErrorAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status} {code}, got {(int)response.StatusCode}: {body[..Math.Min(body.Length, 300)]}");
        var error = XDocument.Parse(body).Root!;
        Assert.Equal(code, error.Element("Code")?.Value);
        return error;
    }
}
