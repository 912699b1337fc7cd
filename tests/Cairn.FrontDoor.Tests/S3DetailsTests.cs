using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Cairn.Auth;
using Cairn.Testing;

namespace Cairn.FrontDoor.Tests;

/// <summary>
/// Details where S3's answer is easy to get slightly wrong: which error comes first, exact codes and messages, and
/// headers returned exactly as they were stored. Raw requests, so nothing an SDK smooths over hides a difference.
/// </summary>
public sealed class S3DetailsTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const int MiB = 1024 * 1024;
    private readonly RawS3 raw = new(fixture.Server);

    [Fact]
    public async Task A_missing_bucket_is_NoSuchBucket_before_anything_checked_later()
    {
        var bucket = await NewBucketAsync();
        const string missing = "no-such-bucket-at-all";
        await ExpectErrorAsync(HttpMethod.Put, $"/{missing}/k", 404, "NoSuchBucket", Bytes("x"), r => r.Headers.Add("x-amz-acl", "public-read"));
        await ExpectErrorAsync(HttpMethod.Put, $"/{missing}/k", 404, "NoSuchBucket", Bytes("x"), r => r.Content!.Headers.Add("Content-Range", "bytes 0-0/1"));
        await ExpectErrorAsync(HttpMethod.Put, $"/{missing}/k", 404, "NoSuchBucket", configure: r => r.Headers.Add("x-amz-copy-source", $"/{bucket}/k"));
        await ExpectErrorAsync(HttpMethod.Post, $"/{missing}/k?uploads", 404, "NoSuchBucket", configure: r => r.Headers.Add("x-amz-checksum-algorithm", "MD5"));
        await ExpectErrorAsync(HttpMethod.Put, $"/{missing}/k?partNumber=1&uploadId=nope", 404, "NoSuchBucket", Bytes("x"));
        await ExpectErrorAsync(HttpMethod.Get, $"/{missing}/k?uploadId=nope", 404, "NoSuchBucket");
        await ExpectErrorAsync(HttpMethod.Delete, $"/{missing}/k?uploadId=nope", 404, "NoSuchBucket");
        await ExpectErrorAsync(HttpMethod.Get, $"/{missing}?acl", 404, "NoSuchBucket");
        await ExpectErrorAsync(HttpMethod.Get, $"/{bucket}?analytics", 501, "NotImplemented");
        // Anonymous: the bucket's absence is public, the rest is refused.
        await ExpectErrorAsync(HttpMethod.Get, $"/{missing}/k", 404, "NoSuchBucket", sign: false);
        await ExpectErrorAsync(HttpMethod.Get, $"/{bucket}/no-such-key", 403, "AccessDenied", sign: false);
        await ExpectErrorAsync(HttpMethod.Put, $"/{bucket}/k", 403, "AccessDenied", Bytes("x"), sign: false);
    }

    [Fact]
    public async Task Part_numbers_an_object_does_not_have_are_416_InvalidPartNumber_with_the_part_count()
    {
        var bucket = await NewBucketAsync();
        await PutAsync(bucket, "plain", Bytes("plain bytes"));
        using (var one = await SendAsync(HttpMethod.Get, $"/{bucket}/plain?partNumber=1"))
        {
            Assert.Equal(HttpStatusCode.PartialContent, one.StatusCode);
            Assert.Equal("1", one.Headers.GetValues("x-amz-mp-parts-count").Single());
        }
        var error = await ExpectErrorAsync(HttpMethod.Get, $"/{bucket}/plain?partNumber=2", 416, "InvalidPartNumber");
        Assert.Equal(("2", "1"), (Child(error, "PartNumberRequested"), Child(error, "ActualPartCount")));
        await ExpectErrorAsync(HttpMethod.Get, $"/{bucket}/plain?partNumber=0", 400, "InvalidArgument");

        var uploadId = XElement.Parse(await BodyAsync(HttpMethod.Post, $"/{bucket}/mp?uploads")).Elements().Single(e => e.Name.LocalName == "UploadId").Value;
        using var p1 = await SendAsync(HttpMethod.Put, $"/{bucket}/mp?partNumber=1&uploadId={uploadId}", SignedHttp.Bytes(new byte[5 * MiB]));
        using var p2 = await SendAsync(HttpMethod.Put, $"/{bucket}/mp?partNumber=2&uploadId={uploadId}", Bytes("end"));
        var manifest = $"<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>{p1.Headers.ETag}</ETag></Part><Part><PartNumber>2</PartNumber><ETag>{p2.Headers.ETag}</ETag></Part></CompleteMultipartUpload>";
        await BodyAsync(HttpMethod.Post, $"/{bucket}/mp?uploadId={uploadId}", RawXml.Body(manifest));
        var beyond = await ExpectErrorAsync(HttpMethod.Get, $"/{bucket}/mp?partNumber=3", 416, "InvalidPartNumber");
        Assert.Equal(("3", "2"), (Child(beyond, "PartNumberRequested"), Child(beyond, "ActualPartCount")));
        using var head = await SendAsync(HttpMethod.Head, $"/{bucket}/mp?partNumber=3");
        Assert.Equal(416, (int)head.StatusCode);
    }

    [Fact]
    public async Task Copy_object_computes_the_checksum_algorithm_it_is_asked_for()
    {
        var bucket = await NewBucketAsync();
        var data = RandomNumberGenerator.GetBytes(3 * MiB);
        await PutAsync(bucket, "src", SignedHttp.Bytes(data), r => r.Headers.Add("x-amz-checksum-crc32", Crc32(data)));
        await PutAsync(bucket, "small", Bytes("inline"));
        foreach (var (source, bytes) in new[] { ("src", data), ("small", Encoding.UTF8.GetBytes("inline")) })
        {
            var result = XElement.Parse(await BodyAsync(HttpMethod.Put, $"/{bucket}/copy-{source}", configure: r =>
            {
                r.Headers.Add("x-amz-copy-source", $"/{bucket}/{source}");
                r.Headers.Add("x-amz-checksum-algorithm", "SHA256");
            }));
            var expected = Convert.ToBase64String(SHA256.HashData(bytes));
            Assert.Equal(expected, Child(result, "ChecksumSHA256"));
            using var head = await SendAsync(HttpMethod.Head, $"/{bucket}/copy-{source}", configure: r => r.Headers.Add("x-amz-checksum-mode", "ENABLED"));
            Assert.Equal(expected, head.Headers.GetValues("x-amz-checksum-sha256").Single());
            Assert.False(head.Headers.Contains("x-amz-checksum-crc32"));
            Assert.Equal("FULL_OBJECT", head.Headers.GetValues("x-amz-checksum-type").Single());
        }
        // Without the header the source's checksum is kept.
        await BodyAsync(HttpMethod.Put, $"/{bucket}/kept", configure: r => r.Headers.Add("x-amz-copy-source", $"/{bucket}/src"));
        using (var kept = await SendAsync(HttpMethod.Head, $"/{bucket}/kept", configure: r => r.Headers.Add("x-amz-checksum-mode", "ENABLED")))
            Assert.Equal(Crc32(data), kept.Headers.GetValues("x-amz-checksum-crc32").Single());
        await ExpectErrorAsync(HttpMethod.Put, $"/{bucket}/bad", 400, "InvalidRequest", configure: r =>
        {
            r.Headers.Add("x-amz-copy-source", $"/{bucket}/src");
            r.Headers.Add("x-amz-checksum-algorithm", "MD5");
        });
    }

    [Fact]
    public async Task Metadata_and_content_encoding_come_back_exactly_as_sent()
    {
        var bucket = await NewBucketAsync();
        // MIME encoded-words are ASCII: S3 keeps them as sent; decoding them is the client's job.
        string[] values = ["=?UTF-8?B?Y2Fmw6k=?=", "=?utf-8?q?caf=C3=A9?=", "plain  two spaces"];
        await PutAsync(bucket, "meta", Bytes("x"), r =>
        {
            for (var i = 0; i < values.Length; i++) r.Headers.Add($"x-amz-meta-m{i}", values[i]);
            r.Content!.Headers.ContentEncoding.Add("gzip");
            r.Content.Headers.ContentEncoding.Add("br");
        });
        var headers = await RawHeadAsync(bucket, "meta");
        for (var i = 0; i < values.Length; i++) Assert.Equal(values[i], headers[$"x-amz-meta-m{i}"]);
        Assert.Equal("gzip, br", headers["Content-Encoding"]);

        // aws-chunked is the framing of this request's body, not the object's coding: S3 drops it, and only it.
        foreach (var (sent, stored) in new[] { ("aws-chunked, gzip", "gzip"), ("aws-chunked", null), ("gzip,aws-chunked,  br", "gzip,  br") })
        {
            await PutAsync(bucket, "chunked", AwsChunked("hello"), r => AwsChunkedHeaders(r, "hello", sent), payload: StreamingUnsigned);
            Assert.Equal("hello", await BodyAsync(HttpMethod.Get, $"/{bucket}/chunked"));
            Assert.Equal(stored, (await RawHeadAsync(bucket, "chunked")).GetValueOrDefault("Content-Encoding"));
        }
        // On a body that is not aws-chunked the header is the object's, as sent.
        await PutAsync(bucket, "literal", Bytes("x"), r => r.Content!.Headers.ContentEncoding.Add("aws-chunked"));
        Assert.Equal("aws-chunked", (await RawHeadAsync(bucket, "literal"))["Content-Encoding"]);
    }

    [Fact]
    public async Task Http_chunked_bodies_are_taken_only_in_aws_chunked_framing_with_a_decoded_length()
    {
        var bucket = await NewBucketAsync();
        await PutAsync(bucket, "streamed", AwsChunked("hello"), r =>
        {
            AwsChunkedHeaders(r, "hello", "aws-chunked");
            r.Headers.TransferEncodingChunked = true;
        }, payload: StreamingUnsigned);
        Assert.Equal("hello", await BodyAsync(HttpMethod.Get, $"/{bucket}/streamed"));

        var refused = await ExpectErrorAsync(HttpMethod.Put, $"/{bucket}/plain", 501, "NotImplemented", Bytes("hello"),
            r => r.Headers.TransferEncodingChunked = true, payload: "UNSIGNED-PAYLOAD");
        Assert.Equal("Transfer-Encoding", Child(refused, "Header"));
        await ExpectErrorAsync(HttpMethod.Put, $"/{bucket}/nolength", 411, "MissingContentLength", AwsChunked("hello"), r =>
        {
            AwsChunkedHeaders(r, "hello", "aws-chunked");
            r.Headers.Remove("x-amz-decoded-content-length");
        }, payload: StreamingUnsigned);
        await ExpectErrorAsync(HttpMethod.Get, $"/{bucket}/plain", 404, "NoSuchKey");
    }

    [Fact]
    public async Task Presigned_url_lifetimes_are_checked_with_S3s_codes_and_messages()
    {
        var bucket = await NewBucketAsync();
        var now = DateTimeOffset.UtcNow;
        foreach (var (expires, status, code, message) in new[]
                 {
                     ("604801", 400, "AuthorizationQueryParametersError", "X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds"),
                     ("-1", 400, "AuthorizationQueryParametersError", "X-Amz-Expires must be non-negative"),
                     ("soon", 400, "AuthorizationQueryParametersError", "X-Amz-Expires should be a number"),
                     ("0", 403, "AccessDenied", "Request has expired"),
                 })
        {
            var url = Presign(HttpMethod.Get, $"/{bucket}/k", now, TimeSpan.FromMinutes(5)).AbsoluteUri.Replace("X-Amz-Expires=300", "X-Amz-Expires=" + expires);
            var error = await UnsignedErrorAsync(new HttpRequestMessage(HttpMethod.Get, url), status, code);
            Assert.Equal(message, Child(error, "Message"));
        }

        var expired = Presign(HttpMethod.Put, $"/{bucket}/late", now.AddMinutes(-10), TimeSpan.FromMinutes(5));
        var refused = await UnsignedErrorAsync(new HttpRequestMessage(HttpMethod.Put, expired) { Content = Bytes("late") }, 403, "AccessDenied");
        Assert.Equal("Request has expired", Child(refused, "Message"));
        Assert.Equal("300", Child(refused, "X-Amz-Expires"));
        Assert.NotNull(Child(refused, "Expires"));
        Assert.NotNull(Child(refused, "ServerTime"));
        await ExpectErrorAsync(HttpMethod.Get, $"/{bucket}/late", 404, "NoSuchKey");
    }

    [Fact]
    public async Task A_checksum_in_a_presigned_query_that_matches_the_body_is_stored_like_the_header()
    {
        var bucket = await NewBucketAsync();
        var crc = Uri.EscapeDataString(Crc32(Encoding.UTF8.GetBytes("uploaded")));
        var url = Presign(HttpMethod.Put, $"/{bucket}/up?x-amz-checksum-crc32={crc}&x-amz-sdk-checksum-algorithm=CRC32", DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5));
        using var http = new SignedHttp(fixture.Server);
        using (var put = await http.SendUnsignedAsync(new HttpRequestMessage(HttpMethod.Put, url) { Content = Bytes("uploaded") }))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
            Assert.Equal(Crc32(Encoding.UTF8.GetBytes("uploaded")), put.Headers.GetValues("x-amz-checksum-crc32").Single());
        }
        using var head = await SendAsync(HttpMethod.Head, $"/{bucket}/up", configure: r => r.Headers.Add("x-amz-checksum-mode", "ENABLED"));
        Assert.Equal(Crc32(Encoding.UTF8.GetBytes("uploaded")), head.Headers.GetValues("x-amz-checksum-crc32").Single());

        // UploadPart through a presigned URL is verified the same way.
        var uploadId = XElement.Parse(await BodyAsync(HttpMethod.Post, $"/{bucket}/mp?uploads")).Elements().Single(e => e.Name.LocalName == "UploadId").Value;
        var part = Presign(HttpMethod.Put, $"/{bucket}/mp?partNumber=1&uploadId={uploadId}&x-amz-checksum-crc32={crc}", DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5));
        using (var put = await http.SendUnsignedAsync(new HttpRequestMessage(HttpMethod.Put, part) { Content = Bytes("uploaded") }))
            Assert.Equal(Crc32(Encoding.UTF8.GetBytes("uploaded")), put.Headers.GetValues("x-amz-checksum-crc32").Single());
        var wrongPart = Presign(HttpMethod.Put, $"/{bucket}/mp?partNumber=2&uploadId={uploadId}&x-amz-checksum-crc32={crc}", DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5));
        await UnsignedErrorAsync(new HttpRequestMessage(HttpMethod.Put, wrongPart) { Content = Bytes("other bytes") }, 400, "BadDigest");
    }

    [Fact]
    public async Task A_checksum_in_a_presigned_query_that_does_not_match_the_body_is_BadDigest_and_nothing_is_stored()
    {
        var bucket = await NewBucketAsync();
        // What the JS SDK v3 presigns by default: the CRC32 of an empty body, which no real upload matches (aws-sdk-js-v3#6994).
        var url = Presign(HttpMethod.Put, $"/{bucket}/up?x-amz-checksum-crc32=AAAAAA%3D%3D&x-amz-sdk-checksum-algorithm=CRC32", DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5));
        var error = await UnsignedErrorAsync(new HttpRequestMessage(HttpMethod.Put, url) { Content = Bytes("uploaded") }, 400, "BadDigest");
        Assert.Equal("The CRC32 you specified did not match the calculated checksum.", Child(error, "Message"));
        await ExpectErrorAsync(HttpMethod.Get, $"/{bucket}/up", 404, "NoSuchKey");
        // Tampering with the query is a signature mismatch, not a new checksum.
        var tampered = new Uri(url.AbsoluteUri.Replace("AAAAAA%3D%3D", Uri.EscapeDataString(Crc32(Encoding.UTF8.GetBytes("uploaded")))));
        await UnsignedErrorAsync(new HttpRequestMessage(HttpMethod.Put, tampered) { Content = Bytes("uploaded") }, 403, "SignatureDoesNotMatch");
        // Outside a presigned URL the query is not a checksum: a header-signed request is not refused for it.
        await PutAsync(bucket, "not-presigned?x-amz-checksum-crc32=AAAAAA%3D%3D", Bytes("uploaded"));
    }

    private const string StreamingUnsigned = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";

    /// <summary>One chunk, the final chunk and a CRC32 trailer: STREAMING-UNSIGNED-PAYLOAD-TRAILER framing.</summary>
    private static ByteArrayContent AwsChunked(string text) =>
        new(Encoding.ASCII.GetBytes($"{text.Length:x}\r\n{text}\r\n0\r\nx-amz-checksum-crc32:{Crc32(Encoding.UTF8.GetBytes(text))}\r\n\r\n"));

    private static void AwsChunkedHeaders(HttpRequestMessage request, string text, string contentEncoding)
    {
        request.Headers.Add("x-amz-decoded-content-length", text.Length.ToString());
        request.Headers.Add("x-amz-trailer", "x-amz-checksum-crc32");
        request.Content!.Headers.TryAddWithoutValidation("Content-Encoding", contentEncoding);
    }

    private Uri Presign(HttpMethod method, string pathAndQuery, DateTimeOffset at, TimeSpan expires) =>
        SigV4Signer.Presign(method, new Uri(fixture.Server.Endpoint + pathAndQuery), ServerProcess.AccessKey, ServerProcess.SecretKey, ServerProcess.Region, at, expires);

    /// <summary>HEAD through a presigned URL over a bare socket: the response headers exactly as they came over the wire.</summary>
    private async Task<Dictionary<string, string>> RawHeadAsync(string bucket, string key)
    {
        var url = Presign(HttpMethod.Head, $"/{bucket}/{key}", DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5));
        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync("127.0.0.1", fixture.Server.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"HEAD {url.PathAndQuery} HTTP/1.1\r\nHost: {url.Authority}\r\nConnection: close\r\n\r\n"));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var status = await reader.ReadLineAsync();
        Assert.StartsWith("HTTP/1.1 200", status);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var line = await reader.ReadLineAsync(); !string.IsNullOrEmpty(line); line = await reader.ReadLineAsync())
            headers[line[..line.IndexOf(':')]] = line[(line.IndexOf(':') + 1)..].TrimStart(' ');
        return headers;
    }

    private static string? Child(XElement error, string name) => error.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value;

    private async Task<XElement> ExpectErrorAsync(HttpMethod method, string pathAndQuery, int status, string code, HttpContent? content = null,
        Action<HttpRequestMessage>? configure = null, bool sign = true, string? payload = null)
    {
        using var response = await raw.SendAsync(method, pathAndQuery, content, configure, payload, sign);
        return await ErrorAsync(response, status, code);
    }

    private async Task<XElement> UnsignedErrorAsync(HttpRequestMessage request, int status, string code)
    {
        using var http = new SignedHttp(fixture.Server);
        using var response = await http.SendUnsignedAsync(request);
        return await ErrorAsync(response, status, code);
    }

    private static async Task<XElement> ErrorAsync(HttpResponseMessage response, int status, string code)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"{(int)response.StatusCode}, {status} expected: {body}");
        if (response.RequestMessage?.Method == HttpMethod.Head) return new XElement("Error");
        var error = S3Schema.Validate(body, "Error");
        Assert.Equal(code, Child(error, "Code"));
        return error;
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string pathAndQuery, HttpContent? content = null, Action<HttpRequestMessage>? configure = null,
        string? payload = null) => raw.SendAsync(method, pathAndQuery, content, configure, payload);

    private async Task<string> BodyAsync(HttpMethod method, string pathAndQuery, HttpContent? content = null, Action<HttpRequestMessage>? configure = null)
    {
        using var response = await SendAsync(method, pathAndQuery, content, configure);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{method} {pathAndQuery}: {(int)response.StatusCode} {body}");
        return body;
    }

    private async Task PutAsync(string bucket, string key, HttpContent content, Action<HttpRequestMessage>? configure = null, string? payload = null)
    {
        using var response = await SendAsync(HttpMethod.Put, $"/{bucket}/{key}", content, configure, payload);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"PUT {key}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private Task<string> NewBucketAsync() => raw.NewBucketAsync("details");

    private static ByteArrayContent Bytes(string text) => RawS3.Bytes(text);

    private static string Crc32(byte[] data) => RawS3.Crc32(data);
}
