using Cairn.Auth;
using Cairn.Fuzz.Tests.Engine;

namespace Cairn.Fuzz.Tests.Targets;

/// <summary>
/// SigV4 as a whole: Authorization header or presigned query (AuthorizationHeader, CredentialScope, AmzDate,
/// QueryParameters, canonicalisation), then the payload it opens (SHA-256 check, aws-chunked in every mode), read
/// to the end. The clock and key are those of AWS's documented examples, which the seeds are signed with.
/// </summary>
public sealed class SigV4RequestTarget : FuzzTarget
{
    private static readonly DateTimeOffset ExampleTime = new(2013, 5, 24, 0, 0, 0, TimeSpan.Zero);
    private readonly SigV4Verifier verifier = new(new ExampleCredentials(), new FixedClock(ExampleTime));

    public override string Name => "sigv4-request";

    protected override IEnumerable<string> Words =>
    [
        "AWS4-HMAC-SHA256", "Credential=", "SignedHeaders=", "Signature=", ",", ", ", ";", "/", "aws4_request", "%2F", "%", "%%", "%ZZ",
        "X-Amz-Algorithm=", "X-Amz-Credential=", "X-Amz-Date=", "X-Amz-Expires=", "X-Amz-SignedHeaders=", "X-Amz-Signature=", "&", "=",
        "UNSIGNED-PAYLOAD", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
        "STREAMING-UNSIGNED-PAYLOAD-TRAILER", "x-amz-content-sha256: ", "x-amz-decoded-content-length: ", "x-amz-trailer: ",
        "x-amz-date: ", "Date: ", "Authorization: ", "Host: ", "\r\n", "AWS ", "AWS4-ECDSA-P256-SHA256", "AWSAccessKeyId=",
        ";chunk-signature=", "x-amz-trailer-signature:", "x-amz-checksum-crc32:", "20130524", "20130524T000000Z", "604800", "604801",
    ];

    public override async Task RunAsync(byte[] input)
    {
        var raw = RawRequest.Parse(input);
        var request = raw.ToHttpRequest(new TrickleStream(raw.Body, 1 + input.Length % 97));
        var auth = verifier.Authenticate(request);
        if (auth is null) return;
        await using var payload = verifier.OpenPayload(request, auth);
        await Drain.ReadToEndAsync(payload, 1 + input.Length % 4099);
    }

    private sealed class ExampleCredentials : ICredentialStore
    {
        public bool TryFind(string accessKey, out Credential credential)
        {
            credential = new Credential("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", Principal.Root("fuzz") with { AccessKey = accessKey });
            return accessKey == "AKIAIOSFODNN7EXAMPLE";
        }
    }
}

public sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
