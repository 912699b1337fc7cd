using System.Text;
using Microsoft.AspNetCore.Http;

namespace Cairn.Auth.Tests;

/// <summary>Sign with <see cref="SigV4Signer"/>, verify with <see cref="SigV4Verifier"/>, and every way to fail.</summary>
public sealed class VerifierTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 8, 24, 10, TimeSpan.Zero);

    private static HttpRequestMessage Signed(HttpMethod method, string url, byte[]? body = null, Action<HttpRequestMessage>? before = null,
        DateTimeOffset? at = null, string? payloadHash = null, string secret = Http.Secret, string region = "us-east-1")
    {
        var message = new HttpRequestMessage(method, url);
        if (body is not null) message.Content = new ByteArrayContent(body);
        before?.Invoke(message);
        SigV4Signer.Sign(message, Http.AccessKey, secret, region, at ?? Now, payloadSha256Hex: payloadHash);
        return message;
    }

    private static AuthResult? Verify(HttpRequest request, DateTimeOffset? now = null) => Http.Verifier(now ?? Now).Authenticate(request);

    [Theory]
    [InlineData("http://127.0.0.1:9000/bkt/hello.txt")]
    [InlineData("http://localhost/bkt/a%20b/c+d/%E2%82%AC/x$y!z(1)*'")]
    [InlineData("http://127.0.0.1:9000/bkt/dots/../and//double//slashes/./x")]
    [InlineData("http://127.0.0.1:9000/bkt/?list-type=2&prefix=a%2F&delimiter=%2F&start-after=&encoding-type=url")]
    [InlineData("http://127.0.0.1:9000/bkt/k?uploads")]
    [InlineData("http://127.0.0.1:9000/bkt/k?partNumber=2&uploadId=a%2Bb%3D%3D&x=%7E~")]
    [InlineData("https://bkt.s3.example.com/%E3%83%86%E3%82%B9%E3%83%88?versionId=3/L4kqtJlcpXroDTDmJ%2BrmSpXd3dIbrHY")]
    public async Task Signed_requests_round_trip(string url)
    {
        var message = Signed(HttpMethod.Get, url);
        var auth = Verify(await Http.FromMessage(message));
        Assert.NotNull(auth);
        Assert.Equal(Http.AccessKey, auth.AccessKey);
        Assert.Equal(PayloadMode.SignedSha256, auth.PayloadMode);
    }

    [Fact]
    public async Task Put_with_body_round_trips_and_verifies_the_payload_hash()
    {
        var body = Encoding.UTF8.GetBytes("hello world");
        var message = Signed(HttpMethod.Put, "http://127.0.0.1:9000/bkt/hello.txt", body, m =>
        {
            m.Content!.Headers.ContentType = new("text/plain");
            m.Headers.TryAddWithoutValidation("x-amz-meta-colour", "  deep   blue ");
        });
        var request = await Http.FromMessage(message);
        var verifier = Http.Verifier(Now);
        var auth = verifier.Authenticate(request)!;
        Assert.Equal(Http.Sha256Hex(body), auth.ExpectedSha256Hex);
        await using var payload = verifier.OpenPayload(request, auth);
        Assert.Equal(body, await Http.ReadAll(payload, readSize: 3));
        Assert.Equal(body.Length, payload.BytesRead);
    }

    [Fact]
    public async Task Unsigned_payload_passes_the_body_through()
    {
        var body = Encoding.UTF8.GetBytes("anything at all");
        var message = Signed(HttpMethod.Put, "http://127.0.0.1:9000/bkt/k", body, payloadHash: "UNSIGNED-PAYLOAD");
        var request = await Http.FromMessage(message);
        var verifier = Http.Verifier(Now);
        var auth = verifier.Authenticate(request)!;
        Assert.Equal(PayloadMode.Unsigned, auth.PayloadMode);
        await using var payload = verifier.OpenPayload(request, auth);
        Assert.Equal(body, await Http.ReadAll(payload));
    }

    [Theory]
    [InlineData("method")]
    [InlineData("path")]
    [InlineData("query")]
    [InlineData("host")]
    [InlineData("signed-header")]
    [InlineData("payload-hash")]
    [InlineData("secret")]
    [InlineData("region")]
    public async Task Tampering_with_anything_signed_fails(string what)
    {
        var message = Signed(HttpMethod.Get, "http://127.0.0.1:9000/bkt/k?a=1", before: m => m.Headers.TryAddWithoutValidation("x-amz-meta-a", "1"),
            secret: what == "secret" ? "not-the-secret" : Http.Secret);
        var request = await Http.FromMessage(message);
        var feature = request.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()!;
        switch (what)
        {
            case "method": request.Method = "DELETE"; break;
            case "path": feature.RawTarget = "/bkt/K?a=1"; break;
            case "query": feature.RawTarget = "/bkt/k?a=2"; break;
            case "host": request.Headers.Host = "127.0.0.1:9001"; break;
            case "signed-header": request.Headers["x-amz-meta-a"] = "2"; break;
            case "payload-hash": request.Headers["x-amz-content-sha256"] = Http.Sha256Hex("x"); break;
            case "region":
                request.Headers.Authorization = request.Headers.Authorization.ToString().Replace("/us-east-1/", "/eu-west-1/");
                break;
        }
        var e = Http.Fails("SignatureDoesNotMatch", () => Verify(request));
        Assert.Equal(Http.AccessKey, e.Details["AWSAccessKeyId"]);
        Assert.StartsWith("AWS4-HMAC-SHA256\n20261123T082410Z\n20261123/", e.Details["StringToSign"]);
    }

    [Fact]
    public async Task Any_region_is_accepted_because_the_scope_is_what_is_signed()
    {
        var auth = Verify(await Http.FromMessage(Signed(HttpMethod.Get, "http://h/b/k", region: "eu-central-1")));
        Assert.Equal("eu-central-1", auth!.Region);
    }

    [Fact]
    public void Authorization_header_parsing_is_tolerant_of_spacing()
    {
        // The AWS documentation's GET example, with the components spaced and ordered differently.
        var request = Http.Request("GET", "/test.txt",
        [
            ("Host", "examplebucket.s3.amazonaws.com"),
            ("Range", "bytes=0-9"),
            ("x-amz-content-sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            ("x-amz-date", "20130524T000000Z"),
            ("Authorization", "AWS4-HMAC-SHA256   SignedHeaders=host;range;x-amz-content-sha256;x-amz-date ,Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41,  Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request"),
        ]);
        Assert.NotNull(Http.Verifier(Http.DocTime).Authenticate(request));
    }

    [Theory]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261123/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date")]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261123/us-east-1/s3, SignedHeaders=host, Signature=" + Sig)]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261123/us-east-1/s3/aws4_requests, SignedHeaders=host, Signature=" + Sig)]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/2026112/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=" + Sig)]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261123/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=" + Sig)]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261123/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=abc")]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261123/us-east-1/s3/aws4_request, SignedHeaders=, Signature=" + Sig)]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261123/us-east-1/s3/aws4_request, SignedHeaders=x-amz-date, Signature=" + Sig)]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261123/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=" + Sig + ", Bogus=1")]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261122/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=" + Sig)]
    public void Malformed_authorization_headers_are_rejected(string authorization)
    {
        Http.Fails("AuthorizationHeaderMalformed", () => Verify(HeaderRequest(authorization)));
    }

    private const string Sig = "0000000000000000000000000000000000000000000000000000000000000000";

    private static HttpRequest HeaderRequest(string authorization, string date = "20261123T082410Z", string? contentSha = "UNSIGNED-PAYLOAD") =>
        Http.Request("GET", "/bkt/k",
        [
            ("Host", "h"),
            ("x-amz-date", date),
            .. contentSha is null ? Array.Empty<(string, string)>() : [("x-amz-content-sha256", contentSha)],
            ("Authorization", authorization),
        ]);

    [Fact]
    public void Legacy_and_unknown_schemes_are_refused()
    {
        var e = Http.Fails("InvalidRequest", () => Verify(HeaderRequest("AWS AKIAIOSFODNN7EXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg=")));
        Assert.Contains("AWS4-HMAC-SHA256", e.Message);
        Http.Fails("InvalidRequest", () => Verify(Http.Request("GET", "/bkt/k?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Expires=1&Signature=x", [("Host", "h")])));
        Http.Fails("InvalidArgument", () => Verify(HeaderRequest("Bearer abc")));
    }

    [Fact]
    public void Requests_without_credentials_are_anonymous()
    {
        Assert.Null(Verify(Http.Request("GET", "/bkt/k?versionId=1", [("Host", "h")])));
    }

    [Fact]
    public async Task Unknown_access_key_is_InvalidAccessKeyId()
    {
        var message = Signed(HttpMethod.Get, "http://h/b/k");
        var verifier = new SigV4Verifier(new Credentials(("SOMEONE-ELSE", "x")), new FixedClock(Now));
        var e = Http.Fails("InvalidAccessKeyId", () => verifier.Authenticate(Http.FromMessage(message).Result));
        Assert.Equal(Http.AccessKey, e.Details["AWSAccessKeyId"]);
        await Task.CompletedTask;
    }

    [Theory]
    [InlineData(-16, false)]
    [InlineData(-14, true)]
    [InlineData(14, true)]
    [InlineData(16, false)]
    public async Task Clock_skew_beyond_fifteen_minutes_is_refused(int minutes, bool accepted)
    {
        var request = await Http.FromMessage(Signed(HttpMethod.Get, "http://h/b/k", at: Now.AddMinutes(minutes)));
        if (accepted) Assert.NotNull(Verify(request));
        else Http.Fails("RequestTimeTooSkewed", () => Verify(request));
    }

    [Fact]
    public async Task Date_header_is_used_when_there_is_no_x_amz_date()
    {
        // Sign, then present the time as an HTTP Date instead: the string to sign is the same.
        var request = await Http.FromMessage(Signed(HttpMethod.Get, "http://h/b/k"));
        var auth = request.Headers.Authorization.ToString().Replace("host;x-amz-content-sha256;x-amz-date", "date;host;x-amz-content-sha256");
        Assert.NotEqual(auth, request.Headers.Authorization.ToString());
        request.Headers.Remove("x-amz-date");
        request.Headers.Date = "Mon, 23 Nov 2026 08:24:10 GMT";
        request.Headers.Authorization = auth;
        // Different signed headers ⇒ a different signature: the point is that the Date header is parsed and checked.
        Http.Fails("SignatureDoesNotMatch", () => Verify(request));
        Http.Fails("RequestTimeTooSkewed", () => Verify(request, Now.AddHours(1)));
        request.Headers.Remove("Date");
        Http.Fails("AccessDenied", () => Verify(request));
    }

    [Fact]
    public void Missing_or_invalid_content_sha256_is_refused()
    {
        var auth = "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261123/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=" + Sig;
        var e = Http.Fails("InvalidRequest", () => Verify(HeaderRequest(auth, contentSha: null)));
        Assert.Contains("x-amz-content-sha256", e.Message);
        Http.Fails("InvalidArgument", () => Verify(HeaderRequest(auth, contentSha: "STREAMING-SOMETHING-ELSE")));
        Http.Fails("InvalidArgument", () => Verify(HeaderRequest(auth, contentSha: "abc")));
    }

    [Fact]
    public async Task Unsigned_x_amz_headers_are_refused()
    {
        var request = await Http.FromMessage(Signed(HttpMethod.Put, "http://h/b/k", [1, 2, 3]));
        request.Headers["x-amz-acl"] = "public-read";
        var e = Http.Fails("AccessDenied", () => Verify(request));
        Assert.Equal("x-amz-acl", e.Details["HeadersNotSigned"]);
    }

    [Fact]
    public void Header_and_query_auth_together_are_refused()
    {
        var request = Http.Request("GET", "/b/k?X-Amz-Signature=" + Sig, [("Host", "h"), ("Authorization", "AWS4-HMAC-SHA256 Credential=x")]);
        Http.Fails("InvalidArgument", () => Verify(request));
    }

    [Fact]
    public async Task Presigned_urls_round_trip_and_expire()
    {
        var url = SigV4Signer.Presign(HttpMethod.Put, new Uri("http://127.0.0.1:9000/bkt/pre%20signed?x-id=PutObject"), Http.AccessKey, Http.Secret,
            "us-east-1", Now, TimeSpan.FromMinutes(10));
        var message = new HttpRequestMessage(HttpMethod.Put, url) { Content = new ByteArrayContent([1, 2, 3]) };
        HttpRequest Request() => Http.FromMessage(message).Result;

        var verifier = Http.Verifier(Now.AddMinutes(5));
        var request = Request();
        var auth = verifier.Authenticate(request)!;
        Assert.True(auth.IsPresigned);
        Assert.Equal(PayloadMode.Unsigned, auth.PayloadMode);
        await using (var payload = verifier.OpenPayload(request, auth)) Assert.Equal([1, 2, 3], await Http.ReadAll(payload));

        Assert.Equal("Request has expired", Http.Fails("AccessDenied", () => Verify(Request(), Now.AddMinutes(10).AddSeconds(1))).Message);
        Assert.Equal("Request is not valid yet", Http.Fails("AccessDenied", () => Verify(Request(), Now.AddMinutes(-16))).Message);

        var wrongMethod = Request();
        wrongMethod.Method = "GET";
        Http.Fails("SignatureDoesNotMatch", () => Verify(wrongMethod));

        var otherKey = new HttpRequestMessage(HttpMethod.Put, url.AbsoluteUri.Replace("pre%20signed", "pre%20signee"));
        Http.Fails("SignatureDoesNotMatch", () => Verify(Http.FromMessage(otherKey).Result));
    }

    [Theory]
    [InlineData("X-Amz-Expires=604801")]
    [InlineData("X-Amz-Expires=-5")]
    [InlineData("X-Amz-Expires=1h")]
    [InlineData("X-Amz-Algorithm=AWS4-HMAC-SHA1")]
    [InlineData("X-Amz-Date=2026-11-23T08:24:10Z")]
    [InlineData("X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20261123%2Fus-east-1%2Fs3")]
    [InlineData("X-Amz-SignedHeaders=x-amz-date")]
    [InlineData("X-Amz-SignedHeaders=")]
    [InlineData("")]
    public void Malformed_presigned_queries_are_AuthorizationQueryParametersError(string replacement)
    {
        var parameters = new Dictionary<string, string>
        {
            ["X-Amz-Algorithm"] = "AWS4-HMAC-SHA256",
            ["X-Amz-Credential"] = "AKIAIOSFODNN7EXAMPLE%2F20261123%2Fus-east-1%2Fs3%2Faws4_request",
            ["X-Amz-Date"] = "20261123T082410Z",
            ["X-Amz-Expires"] = "600",
            ["X-Amz-SignedHeaders"] = "host",
            ["X-Amz-Signature"] = Sig,
        };
        if (replacement.Length == 0) parameters.Remove("X-Amz-Date");
        else parameters[replacement[..replacement.IndexOf('=')]] = replacement[(replacement.IndexOf('=') + 1)..];
        var target = "/b/k?" + string.Join('&', parameters.Select(p => p.Key + "=" + p.Value));
        Http.Fails("AuthorizationQueryParametersError", () => Verify(Http.Request("GET", target, [("Host", "h")])));
    }

    [Fact]
    public void Signer_presign_refuses_out_of_range_expiry()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SigV4Signer.Presign(HttpMethod.Get, new Uri("http://h/b/k"), "a", "s", "r", Now, TimeSpan.FromDays(8)));
        Assert.Throws<ArgumentOutOfRangeException>(() => SigV4Signer.Presign(HttpMethod.Get, new Uri("http://h/b/k"), "a", "s", "r", Now, TimeSpan.Zero));
    }

    [Fact]
    public async Task Resigning_a_message_replaces_the_previous_signature()
    {
        var message = Signed(HttpMethod.Get, "http://h/b/k", at: Now.AddHours(-2));
        SigV4Signer.Sign(message, Http.AccessKey, Http.Secret, "us-east-1", Now);
        Assert.Single(message.Headers.GetValues("Authorization"));
        Assert.NotNull(Verify(await Http.FromMessage(message)));
    }

    [Fact]
    public async Task Absolute_form_request_targets_are_handled()
    {
        var request = await Http.FromMessage(Signed(HttpMethod.Get, "http://127.0.0.1:9000/bkt/k?a=b"));
        request.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()!.RawTarget = "http://127.0.0.1:9000/bkt/k?a=b";
        Assert.NotNull(Verify(request));
    }
}
