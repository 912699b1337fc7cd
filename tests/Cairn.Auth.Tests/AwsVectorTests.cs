using Microsoft.AspNetCore.Http;
using System.Text;
using Cairn.Auth.Internal;

namespace Cairn.Auth.Tests;

/// <summary>The worked examples of the Amazon S3 SigV4 documentation (AKIAIOSFODNN7EXAMPLE, 20130524T000000Z).</summary>
public sealed class AwsVectorTests
{
    private const string EmptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    private const string Host = "examplebucket.s3.amazonaws.com";
    private const string Scope = "AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request";

    private static HttpRequest GetObjectWithRange(string signature) => Http.Request("GET", "/test.txt",
    [
        ("Host", Host),
        ("Range", "bytes=0-9"),
        ("x-amz-content-sha256", EmptyHash),
        ("x-amz-date", "20130524T000000Z"),
        ("Authorization", $"AWS4-HMAC-SHA256 Credential={Scope},SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature={signature}"),
    ]);

    [Fact]
    public void Verifies_GetObject_example()
    {
        var auth = Http.Verifier(Http.DocTime).Authenticate(GetObjectWithRange("f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"));

        Assert.NotNull(auth);
        Assert.Equal("AKIAIOSFODNN7EXAMPLE", auth.AccessKey);
        Assert.Equal(PayloadMode.SignedSha256, auth.PayloadMode);
        Assert.Equal(EmptyHash, auth.ExpectedSha256Hex);
        Assert.False(auth.IsPresigned);
        Assert.Equal("us-east-1", auth.Region);
    }

    [Fact]
    public void Rejects_GetObject_example_with_one_signature_digit_changed()
    {
        var e = Http.Fails("SignatureDoesNotMatch", () => Http.Verifier(Http.DocTime)
            .Authenticate(GetObjectWithRange("f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb42")));
        // AWS's published canonical request for this example.
        Assert.Equal(
            "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\n"
            + "x-amz-content-sha256:" + EmptyHash + "\nx-amz-date:20130524T000000Z\n\n"
            + "host;range;x-amz-content-sha256;x-amz-date\n" + EmptyHash,
            e.Details["CanonicalRequest"]);
    }

    [Fact]
    public async Task Verifies_PutObject_example_and_its_payload_hash()
    {
        var body = Encoding.UTF8.GetBytes("Welcome to Amazon S3.");
        HttpRequest Put(byte[] content) => Http.Request("PUT", "/test$file.text",
        [
            ("Host", Host),
            ("Date", "Fri, 24 May 2013 00:00:00 GMT"),
            ("x-amz-date", "20130524T000000Z"),
            ("x-amz-storage-class", "REDUCED_REDUNDANCY"),
            ("x-amz-content-sha256", "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072"),
            ("Authorization", $"AWS4-HMAC-SHA256 Credential={Scope},SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class,Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd"),
        ], new MemoryStream(content));

        var verifier = Http.Verifier(Http.DocTime);
        var request = Put(body);
        var auth = verifier.Authenticate(request)!;
        Assert.Equal(PayloadMode.SignedSha256, auth.PayloadMode);
        await using var payload = verifier.OpenPayload(request, auth);
        Assert.Equal(body, await Http.ReadAll(payload));

        // Same headers, different body: the signature still matches but the payload hash does not.
        var tampered = Put(Encoding.UTF8.GetBytes("Welcome to Amazon S4."));
        var tamperedAuth = verifier.Authenticate(tampered)!;
        await using var tamperedPayload = verifier.OpenPayload(tampered, tamperedAuth);
        await Http.FailsAsync("XAmzContentSHA256Mismatch", () => Http.ReadAll(tamperedPayload));
    }

    [Theory]
    [InlineData("/?lifecycle", "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543")]
    [InlineData("/?max-keys=2&prefix=J", "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7")]
    public void Verifies_bucket_examples_with_query_strings(string target, string signature)
    {
        var request = Http.Request("GET", target,
        [
            ("Host", Host),
            ("x-amz-content-sha256", EmptyHash),
            ("x-amz-date", "20130524T000000Z"),
            ("Authorization", $"AWS4-HMAC-SHA256 Credential={Scope}, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature={signature}"),
        ]);
        Assert.NotNull(Http.Verifier(Http.DocTime).Authenticate(request));
    }

    private const string PresignedTarget =
        "/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
        + "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
        + "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404";

    [Fact]
    public void Verifies_presigned_example_until_it_expires()
    {
        HttpRequest Get() => Http.Request("GET", PresignedTarget, [("Host", Host)]);

        var auth = Http.Verifier(Http.DocTime.AddHours(23)).Authenticate(Get())!;
        Assert.True(auth.IsPresigned);
        Assert.Equal(PayloadMode.Unsigned, auth.PayloadMode);
        Assert.NotNull(Http.Verifier(Http.DocTime.AddSeconds(86400)).Authenticate(Get()));

        var e = Http.Fails("AccessDenied", () => Http.Verifier(Http.DocTime.AddSeconds(86401)).Authenticate(Get()));
        Assert.Equal("Request has expired", e.Message);
    }

    [Fact]
    public void Signer_reproduces_header_examples()
    {
        var get = new HttpRequestMessage(HttpMethod.Get, "https://examplebucket.s3.amazonaws.com/test.txt");
        get.Headers.TryAddWithoutValidation("Range", "bytes=0-9");
        SigV4Signer.Sign(get, Http.AccessKey, Http.Secret, "us-east-1", Http.DocTime);
        Assert.EndsWith("SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41",
            Authorization(get));
        Assert.Equal(EmptyHash, get.Headers.GetValues("x-amz-content-sha256").Single());
        Assert.Equal("20130524T000000Z", get.Headers.GetValues("x-amz-date").Single());

        var put = new HttpRequestMessage(HttpMethod.Put, "https://examplebucket.s3.amazonaws.com/test$file.text")
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes("Welcome to Amazon S3.")),
        };
        put.Headers.Date = Http.DocTime;
        put.Headers.TryAddWithoutValidation("x-amz-storage-class", "REDUCED_REDUNDANCY");
        SigV4Signer.Sign(put, Http.AccessKey, Http.Secret, "us-east-1", Http.DocTime);
        Assert.EndsWith("Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd", Authorization(put));

        var lifecycle = new HttpRequestMessage(HttpMethod.Get, "https://examplebucket.s3.amazonaws.com/?lifecycle");
        SigV4Signer.Sign(lifecycle, Http.AccessKey, Http.Secret, "us-east-1", Http.DocTime);
        Assert.EndsWith("Signature=fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543", Authorization(lifecycle));

        var list = new HttpRequestMessage(HttpMethod.Get, "https://examplebucket.s3.amazonaws.com/?prefix=J&max-keys=2");
        SigV4Signer.Sign(list, Http.AccessKey, Http.Secret, "us-east-1", Http.DocTime);
        Assert.EndsWith("Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7", Authorization(list));
    }

    [Fact]
    public void Signer_reproduces_presigned_example()
    {
        var url = SigV4Signer.Presign(HttpMethod.Get, new Uri("https://examplebucket.s3.amazonaws.com/test.txt"),
            Http.AccessKey, Http.Secret, "us-east-1", Http.DocTime, TimeSpan.FromDays(1));
        Assert.Equal("https://examplebucket.s3.amazonaws.com" + PresignedTarget, url.AbsoluteUri);
    }

    [Fact]
    public async Task Verifies_chunked_upload_example()
    {
        // "Signature Calculations for the Authorization Header: Transferring Payload in Multiple Chunks".
        var body = new MemoryStream();
        void Text(string s) => body.Write(Encoding.ASCII.GetBytes(s));
        Text("10000;chunk-signature=ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648\r\n");
        body.Write(new byte[65536].Select(_ => (byte)'a').ToArray());
        Text("\r\n400;chunk-signature=0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497\r\n");
        body.Write(new byte[1024].Select(_ => (byte)'a').ToArray());
        Text("\r\n0;chunk-signature=b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9\r\n\r\n");
        var bytes = body.ToArray();
        Assert.Equal(66824, bytes.Length);

        HttpRequest Put(byte[] content) => Http.Request("PUT", "/examplebucket/chunkObject.txt",
        [
            ("Host", "s3.amazonaws.com"),
            ("x-amz-date", "20130524T000000Z"),
            ("x-amz-storage-class", "REDUCED_REDUNDANCY"),
            ("Authorization", $"AWS4-HMAC-SHA256 Credential={Scope},SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class,Signature=4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"),
            ("x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"),
            ("Content-Encoding", "aws-chunked"),
            ("x-amz-decoded-content-length", "66560"),
            ("Content-Length", "66824"),
        ], new TrickleStream(content, 7000));

        var verifier = Http.Verifier(Http.DocTime);
        var request = Put(bytes);
        var auth = verifier.Authenticate(request)!;
        Assert.Equal(PayloadMode.StreamingSigned, auth.PayloadMode);
        Assert.Equal(66560, auth.DecodedContentLength);
        Assert.Equal("4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9", auth.Chunks!.SeedSignature);
        await using var payload = verifier.OpenPayload(request, auth);
        var decoded = await Http.ReadAll(payload);
        Assert.Equal(66560, decoded.Length);
        Assert.All(decoded, b => Assert.Equal((byte)'a', b));
        Assert.Empty(payload.Trailers);

        // One byte of the second chunk changed: its signature no longer matches.
        var tampered = (byte[])bytes.Clone();
        tampered[65626 + 86 + 10] = (byte)'b';
        var tamperedRequest = Put(tampered);
        await using var tamperedPayload = verifier.OpenPayload(tamperedRequest, verifier.Authenticate(tamperedRequest)!);
        await Http.FailsAsync("SignatureDoesNotMatch", () => Http.ReadAll(tamperedPayload));
    }

    [Fact]
    public async Task Verifies_chunked_upload_with_signed_trailer_example()
    {
        // "Signature calculations for trailing headers (chunked uploads)": the seed is taken as published.
        var body = new MemoryStream();
        void Text(string s) => body.Write(Encoding.ASCII.GetBytes(s));
        Text("10000;chunk-signature=b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2\r\n");
        body.Write(Enumerable.Repeat((byte)'a', 65536).ToArray());
        Text("\r\n400;chunk-signature=1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7\r\n");
        body.Write(Enumerable.Repeat((byte)'a', 1024).ToArray());
        Text("\r\n0;chunk-signature=2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992\r\n");
        Text("x-amz-checksum-crc32c:sOO8/Q==\r\n");
        Text("x-amz-trailer-signature:d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435\r\n\r\n");
        var bytes = body.ToArray();

        var key = ChunkedBody.DeriveKey(Http.Secret, "20130524");
        var context = new ChunkSigningContext(key, "20130524T000000Z", "20130524/us-east-1/s3/aws4_request",
            "106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e");
        await using var payload = new AwsChunkedStream(new TrickleStream(bytes, 5000), context, trailerExpected: true, 66560, ["x-amz-checksum-crc32c"]);
        Assert.Equal(66560, (await Http.ReadAll(payload)).Length);
        Assert.Equal("sOO8/Q==", payload.Trailers["x-amz-checksum-crc32c"]);

        // A different checksum value breaks the trailer signature.
        var tampered = Encoding.ASCII.GetBytes(Encoding.ASCII.GetString(bytes).Replace("sOO8/Q==", "sOO8/Q=="[..7] + "A"));
        await using var bad = new AwsChunkedStream(new MemoryStream(tampered), context, trailerExpected: true, 66560, ["x-amz-checksum-crc32c"]);
        await Http.FailsAsync("SignatureDoesNotMatch", () => Http.ReadAll(bad));
    }

    private static string Authorization(HttpRequestMessage m) => m.Headers.GetValues("Authorization").Single();
}
