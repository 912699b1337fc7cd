using System.Collections.Frozen;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Cairn.Auth.Internal;

namespace Cairn.Auth;

/// <summary>Client-side SigV4 signing for Cairn's own tools (admin CLI, bench) and tests.</summary>
public static class SigV4Signer
{
    // Headers that hop-by-hop machinery or HttpClient may add, drop or rewrite on the way out;
    // signing them would make the signature depend on the transport.
    private static readonly FrozenSet<string> Unsignable = new[]
    {
        "authorization", "user-agent", "expect", "connection", "keep-alive", "proxy-authorization",
        "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "content-length",
        "x-amzn-trace-id", "amz-sdk-invocation-id", "amz-sdk-request",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Signs the request in place: sets x-amz-date, x-amz-content-sha256 and Authorization, signing host and
    /// every other header already on the message (content headers included) except transport ones.
    /// Without <paramref name="payloadSha256Hex"/> the payload hash is that of an empty body when there is no
    /// content, the body's SHA-256 for in-memory content (ByteArrayContent, StringContent, ReadOnlyMemoryContent),
    /// and UNSIGNED-PAYLOAD otherwise.
    /// </summary>
    public static void Sign(HttpRequestMessage request, string accessKey, string secretKey, string region,
        DateTimeOffset now, string service = "s3", string? payloadSha256Hex = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var uri = request.RequestUri;
        if (uri is null || !uri.IsAbsoluteUri) throw new ArgumentException("The request needs an absolute RequestUri.", nameof(request));

        string amzDate = AmzDate.Format(now);
        var scope = new CredentialScope(accessKey, amzDate[..8], region, service);
        string payloadHash = payloadSha256Hex ?? PayloadHash(request.Content);

        request.Headers.Remove("Authorization");
        request.Headers.Remove("x-amz-date");
        request.Headers.Remove(SigV4Constants.ContentSha256Header);
        request.Headers.TryAddWithoutValidation("x-amz-date", amzDate);
        request.Headers.TryAddWithoutValidation(SigV4Constants.ContentSha256Header, payloadHash);

        var headers = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["host"] = request.Headers.Host ?? HostOf(uri),
        };
        AddSignable(headers, request.Headers);
        if (request.Content is not null) AddSignable(headers, request.Content.Headers);

        var list = headers.Select(h => (h.Key, h.Value)).ToList();
        string canonical = CanonicalRequest.Build(request.Method.Method, CanonicalRequest.CanonicalUri(uri.AbsolutePath),
            new QueryParameters(uri.Query.TrimStart('?')).Canonical(), list, payloadHash);
        string signature = Convert.ToHexStringLower(SigningKey.Sign(
            SigningKey.Derive(secretKey, scope.Date, region, service),
            CanonicalRequest.StringToSign(amzDate, scope.Scope, canonical)));

        request.Headers.TryAddWithoutValidation("Authorization",
            $"{SigV4Constants.Algorithm} Credential={accessKey}/{scope.Scope}, SignedHeaders={string.Join(';', headers.Keys)}, Signature={signature}");
    }

    /// <summary>
    /// Returns <paramref name="url"/> with X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date, X-Amz-Expires,
    /// X-Amz-SignedHeaders=host and X-Amz-Signature appended; the payload is UNSIGNED-PAYLOAD.
    /// </summary>
    public static Uri Presign(HttpMethod method, Uri url, string accessKey, string secretKey, string region,
        DateTimeOffset now, TimeSpan expires)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(url);
        if (!url.IsAbsoluteUri) throw new ArgumentException("The URL must be absolute.", nameof(url));
        long seconds = (long)expires.TotalSeconds;
        if (seconds < 1 || seconds > SigV4Constants.MaxPresignExpirySeconds)
        {
            throw new ArgumentOutOfRangeException(nameof(expires), "A presigned URL expires after 1 second to 7 days.");
        }

        string amzDate = AmzDate.Format(now);
        var scope = new CredentialScope(accessKey, amzDate[..8], region, "s3");
        string existing = url.Query.TrimStart('?');
        string query = (existing.Length > 0 ? existing + "&" : "")
            + "X-Amz-Algorithm=" + SigV4Constants.Algorithm
            + "&X-Amz-Credential=" + AwsUriEncoding.Encode($"{accessKey}/{scope.Scope}", encodeSlash: true)
            + "&X-Amz-Date=" + amzDate
            + "&X-Amz-Expires=" + seconds.ToString(CultureInfo.InvariantCulture)
            + "&X-Amz-SignedHeaders=host";

        string canonical = CanonicalRequest.Build(method.Method, CanonicalRequest.CanonicalUri(url.AbsolutePath),
            new QueryParameters(query).Canonical(), [("host", HostOf(url))], SigV4Constants.UnsignedPayload);
        string signature = Convert.ToHexStringLower(SigningKey.Sign(
            SigningKey.Derive(secretKey, scope.Date, region, "s3"),
            CanonicalRequest.StringToSign(amzDate, scope.Scope, canonical)));

        return new Uri(url.GetLeftPart(UriPartial.Path) + "?" + query + "&X-Amz-Signature=" + signature);
    }

    /// <summary>
    /// The x-amz-signature of a browser POST form: hex HMAC-SHA256 of the base64 policy under the signing key of
    /// the credential scope (<paramref name="date"/> is its yyyyMMdd day). The form's x-amz-credential is
    /// <c>{accessKey}/{date}/{region}/{service}/aws4_request</c>.
    /// </summary>
    public static string SignPostPolicy(string policyBase64, string secretKey, string date, string region, string service = "s3")
    {
        ArgumentNullException.ThrowIfNull(policyBase64);
        return Convert.ToHexStringLower(SigningKey.Sign(SigningKey.Derive(secretKey, date, region, service), policyBase64));
    }

    /// <summary>The Host header HttpClient will send: the port only when it is not the scheme's default.</summary>
    private static string HostOf(Uri uri) => uri.IsDefaultPort ? uri.IdnHost : $"{uri.IdnHost}:{uri.Port}";

    private static void AddSignable(SortedDictionary<string, string> into, HttpHeaders headers)
    {
        foreach (var (name, values) in headers.NonValidated)
        {
            if (Unsignable.Contains(name) || name.Equals("host", StringComparison.OrdinalIgnoreCase)) continue;
            // HeaderStringValues.ToString joins repeats with the separator HttpClient uses on the wire.
            into[name.ToLowerInvariant()] = values.ToString();
        }
    }

    private static string PayloadHash(HttpContent? content)
    {
        if (content is null) return SigV4Constants.EmptySha256Hex;
        if (content is not (ByteArrayContent or ReadOnlyMemoryContent)) return SigV4Constants.UnsignedPayload;

        // In-memory content serializes synchronously and can be serialized again when the request is sent.
        using var hashing = new HashingWriteStream();
        content.CopyTo(hashing, null, CancellationToken.None);
        return hashing.HexDigest();
    }

    /// <summary>A write-only sink that SHA-256 hashes what is written to it.</summary>
    private sealed class HashingWriteStream : Stream
    {
        private readonly IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        public string HexDigest() => Convert.ToHexStringLower(hash.GetHashAndReset());

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count) => hash.AppendData(buffer, offset, count);
        public override void Write(ReadOnlySpan<byte> buffer) => hash.AppendData(buffer);
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) hash.Dispose();
            base.Dispose(disposing);
        }
    }
}
