using System.Collections.Frozen;
using System.Globalization;
using System.Security.Cryptography;
using Cairn.Auth.Internal;
using Cairn.Core.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Cairn.Auth;

/// <summary>
/// Server-side AWS Signature Version 4: authenticates the Authorization header or a presigned query,
/// and wraps the body so the payload is verified as it is read.
/// </summary>
public sealed partial class SigV4Verifier
{
    private const string OneMechanismOnly =
        "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified";

    private const string QueryParametersRequired =
        "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.";

    private readonly ICredentialStore credentials;
    private readonly TimeProvider clock;
    private readonly ISessionCredentials? sessions;

    public SigV4Verifier(ICredentialStore credentials, TimeProvider clock, ISessionCredentials? sessions = null)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(clock);
        this.credentials = credentials;
        this.clock = clock;
        this.sessions = sessions;
    }

    /// <summary>Service names accepted in the credential scope (any region is accepted).</summary>
    public IReadOnlySet<string> AllowedServices { get; init; } = new[] { "s3" }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>
    /// Authenticates the request. Returns null when it carries no credentials at all (anonymous);
    /// throws <see cref="S3Exception"/> on every failure.
    /// </summary>
    public AuthResult? Authenticate(HttpRequest request) => Authenticate(request, AllowedServices, bodySha256Hex: null);

    /// <summary>
    /// Authenticates a request to another AWS API served on this endpoint (IAM, STS): the credential scope must name one of
    /// <paramref name="services"/>, and, as those APIs' clients do not send x-amz-content-sha256, the signed payload hash is
    /// the body's (<paramref name="bodySha256Hex"/>, read by the caller) unless the header says otherwise.
    /// </summary>
    public AuthResult? Authenticate(HttpRequest request, IReadOnlySet<string> services, string? bodySha256Hex)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(services);
        var (rawPath, rawQuery) = RequestTarget.Get(request);
        var query = new QueryParameters(rawQuery);
        var authorization = request.Headers.Authorization;
        bool hasHeader = !StringValues.IsNullOrEmpty(authorization);
        bool hasQuery = query.Contains("X-Amz-Algorithm") || query.Contains("X-Amz-Credential") || query.Contains("X-Amz-Signature");

        if (hasHeader && (hasQuery || (query.Contains("AWSAccessKeyId") && query.Contains("Signature"))))
        {
            throw new S3Exception(S3ErrorCode.InvalidArgument, OneMechanismOnly);
        }
        if (hasHeader)
        {
            if (authorization.Count != 1)
            {
                throw new S3Exception(S3ErrorCode.AuthorizationHeaderMalformed, "The authorization header is malformed; it was sent more than once.");
            }
            return AuthenticateHeader(request, rawPath, query, authorization.ToString(), services, bodySha256Hex);
        }
        if (hasQuery) return AuthenticatePresigned(request, rawPath, query, services);
        if (query.Contains("AWSAccessKeyId") && query.Contains("Signature"))
        {
            throw new S3Exception(S3ErrorCode.InvalidRequest, AuthorizationHeader.UnsupportedMechanism);
        }
        return null;
    }

    /// <summary>
    /// Wraps the request body per the payload mode: an aws-chunked decoder (verifying chunk and trailer
    /// signatures where signed), a SHA-256 verifying stream, or the body as-is for UNSIGNED-PAYLOAD.
    /// </summary>
    /// <summary>The body of an anonymous request: passed through as sent (nothing was signed to verify it against).</summary>
    public PayloadStream OpenAnonymousPayload(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new PassThroughPayloadStream(request.Body);
    }

    public PayloadStream OpenPayload(HttpRequest request, AuthResult auth)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(auth);
        return auth.PayloadMode switch
        {
            PayloadMode.Unsigned => new PassThroughPayloadStream(request.Body),
            PayloadMode.SignedSha256 => new Sha256VerifyingStream(request.Body,
                auth.ExpectedSha256Hex ?? throw new ArgumentException("SignedSha256 needs ExpectedSha256Hex.", nameof(auth))),
            PayloadMode.StreamingSigned => new AwsChunkedStream(request.Body, RequireChunks(auth), trailerExpected: false,
                auth.DecodedContentLength),
            PayloadMode.StreamingSignedTrailer => new AwsChunkedStream(request.Body, RequireChunks(auth), trailerExpected: true,
                auth.DecodedContentLength, DeclaredTrailers(request)),
            PayloadMode.StreamingUnsignedTrailer => new AwsChunkedStream(request.Body, signing: null, trailerExpected: true,
                auth.DecodedContentLength, DeclaredTrailers(request)),
            _ => throw new ArgumentOutOfRangeException(nameof(auth)),
        };
    }

    private AuthResult AuthenticateHeader(HttpRequest request, string rawPath, QueryParameters query, string header,
        IReadOnlySet<string> services, string? bodySha256Hex)
    {
        var auth = AuthorizationHeader.Parse(header);
        var scope = auth.Credential;
        if (!services.Contains(scope.Service))
        {
            throw new S3Exception(S3ErrorCode.AuthorizationHeaderMalformed,
                $"The authorization header is malformed; incorrect service \"{scope.Service}\".");
        }

        var time = RequestTime(request, out string rawTime);
        string amzDate = AmzDate.Format(time);
        if (scope.Date != amzDate[..8])
        {
            throw new S3Exception(S3ErrorCode.AuthorizationHeaderMalformed,
                "The authorization header is malformed; Invalid credential date. Date is not the same as X-Amz-Date.");
        }

        string payloadHash = Single(request.Headers[SigV4Constants.ContentSha256Header]) ?? bodySha256Hex
            ?? throw new S3Exception(S3ErrorCode.InvalidRequest, "Missing required header for this request: x-amz-content-sha256");
        var mode = ParsePayloadMode(payloadHash, out string? expectedSha256);

        var stored = Find(scope.AccessKey, Single(request.Headers[SecurityTokenHeader]));
        string secret = stored.Secret;

        var now = clock.GetUtcNow();
        if ((now - time).Duration() > SigV4Constants.MaxSkew)
        {
            throw new S3Exception(S3ErrorCode.RequestTimeTooSkewed)
            {
                Details = new Dictionary<string, string>
                {
                    ["RequestTime"] = rawTime,
                    ["ServerTime"] = now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                    ["MaxAllowedSkewMilliseconds"] = "900000",
                },
            };
        }

        var signingKey = Verify(request, rawPath, query.Canonical(), auth.SignedHeaders, payloadHash, amzDate, scope,
            secret, auth.Signature, presigned: false);
        return Result(request, scope, stored.Principal, mode, expectedSha256, signingKey, amzDate, time, auth.Signature, presigned: false);
    }

    private AuthResult AuthenticatePresigned(HttpRequest request, string rawPath, QueryParameters query, IReadOnlySet<string> services)
    {
        static S3Exception QueryError(string message) => new(S3ErrorCode.AuthorizationQueryParametersError, message);
        Func<Exception> duplicate = () => QueryError("A query-string authentication parameter was given more than once.");

        string? algorithm = query.Get("X-Amz-Algorithm", duplicate);
        string? credential = query.Get("X-Amz-Credential", duplicate);
        string? date = query.Get("X-Amz-Date", duplicate);
        string? expires = query.Get("X-Amz-Expires", duplicate);
        string? signedHeaderList = query.Get("X-Amz-SignedHeaders", duplicate);
        string? signature = query.Get("X-Amz-Signature", duplicate);
        if (algorithm is null || credential is null || date is null || expires is null || signedHeaderList is null || signature is null)
        {
            throw QueryError(QueryParametersRequired);
        }
        if (algorithm != SigV4Constants.Algorithm) throw QueryError("X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"");
        if (!CredentialScope.TryParse(credential, out var scope))
        {
            throw QueryError("Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".");
        }
        if (!services.Contains(scope.Service))
        {
            throw QueryError($"Error parsing the X-Amz-Credential parameter; incorrect service \"{scope.Service}\".");
        }
        if (!AmzDate.TryParseIso(date, out var time))
        {
            throw QueryError("X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");
        }
        // S3's own words for each way the lifetime can be wrong; 0 is a URL that has already expired (checked below).
        if (!long.TryParse(expires, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long expirySeconds))
        {
            throw QueryError("X-Amz-Expires should be a number");
        }
        if (expirySeconds < 0) throw QueryError("X-Amz-Expires must be non-negative");
        if (expirySeconds > SigV4Constants.MaxPresignExpirySeconds)
        {
            throw QueryError("X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds");
        }
        if (scope.Date != date[..8])
        {
            throw QueryError("Error parsing the X-Amz-Credential parameter; Invalid credential date. Date is not the same as X-Amz-Date.");
        }
        var signedHeaders = AuthorizationHeader.ParseSignedHeaders(signedHeaderList)
            ?? throw QueryError("Error parsing the X-Amz-SignedHeaders parameter.");
        if (signature.Length != 64 || !Hex.IsHex(signature)) throw QueryError("Error parsing the X-Amz-Signature parameter.");

        var stored = Find(scope.AccessKey, query.Get("X-Amz-Security-Token", duplicate) ?? Single(request.Headers[SecurityTokenHeader]));
        string secret = stored.Secret;

        var now = clock.GetUtcNow();
        if (time - now > SigV4Constants.MaxSkew) throw new S3Exception(S3ErrorCode.AccessDenied, "Request is not valid yet");
        var expiresAt = time.AddSeconds(expirySeconds);
        if (now > expiresAt || expirySeconds == 0)
        {
            throw new S3Exception(S3ErrorCode.AccessDenied, "Request has expired")
            {
                Details = new Dictionary<string, string>
                {
                    ["X-Amz-Expires"] = expires,
                    ["Expires"] = expiresAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                    ["ServerTime"] = now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                },
            };
        }

        // A presigned URL signs UNSIGNED-PAYLOAD unless the client adds x-amz-content-sha256.
        string payloadHash = Single(request.Headers[SigV4Constants.ContentSha256Header]) ?? SigV4Constants.UnsignedPayload;
        var mode = ParsePayloadMode(payloadHash, out string? expectedSha256);

        var signingKey = Verify(request, rawPath, query.Canonical(exclude: "X-Amz-Signature"), signedHeaders, payloadHash, date,
            scope, secret, signature, presigned: true);
        return Result(request, scope, stored.Principal, mode, expectedSha256, signingKey, date, time, signature, presigned: true);
    }

    /// <summary>Checks the signed-header rules and the signature; returns the signing key for chunk chaining.</summary>
    private static byte[] Verify(HttpRequest request, string rawPath, string canonicalQuery, string[] signedHeaders,
        string payloadHash, string amzDate, CredentialScope scope, string secret, string signature, bool presigned)
    {
        S3Exception Malformed(string message) => presigned
            ? new(S3ErrorCode.AuthorizationQueryParametersError, message)
            : new(S3ErrorCode.AuthorizationHeaderMalformed, "The authorization header is malformed; " + message);

        if (Array.IndexOf(signedHeaders, "host") < 0) throw Malformed("the host header must be signed.");
        RequireAmzHeadersSigned(request, signedHeaders);

        var headers = new List<(string, string)>(signedHeaders.Length);
        foreach (var name in signedHeaders)
        {
            var values = name == "host" ? request.Headers.Host : request.Headers[name];
            headers.Add((name, values.Count <= 1 ? values.ToString() : string.Join(',', values.Select(v => v?.Trim()))));
        }

        string canonical = CanonicalRequest.Build(request.Method, CanonicalRequest.CanonicalUri(rawPath), canonicalQuery, headers, payloadHash);
        string stringToSign = CanonicalRequest.StringToSign(amzDate, scope.Scope, canonical);
        byte[] key = SigningKey.Derive(secret, scope.Date, scope.Region, scope.Service);
        byte[] expected = SigningKey.Sign(key, stringToSign);

        Span<byte> provided = stackalloc byte[32];
        if (!Hex.TryDecode(signature, provided) || !CryptographicOperations.FixedTimeEquals(expected, provided))
        {
            throw new S3Exception(S3ErrorCode.SignatureDoesNotMatch)
            {
                Details = new Dictionary<string, string>
                {
                    ["AWSAccessKeyId"] = scope.AccessKey,
                    ["StringToSign"] = stringToSign,
                    ["SignatureProvided"] = signature,
                    ["CanonicalRequest"] = canonical,
                },
            };
        }
        return key;
    }

    /// <summary>
    /// S3 requires every x-amz-* header to be signed, so none can be injected into a signed request.
    /// x-amz-content-sha256 is exempt: its value is signed anyway as the canonical request's payload hash.
    /// </summary>
    private static void RequireAmzHeadersSigned(HttpRequest request, string[] signedHeaders)
    {
        List<string>? unsigned = null;
        foreach (var name in request.Headers.Keys)
        {
            if (!name.StartsWith("x-amz-", StringComparison.OrdinalIgnoreCase)) continue;
            string lower = name.ToLowerInvariant();
            if (lower == SigV4Constants.ContentSha256Header || Array.IndexOf(signedHeaders, lower) >= 0) continue;
            (unsigned ??= []).Add(lower);
        }
        if (unsigned is not null)
        {
            throw new S3Exception(S3ErrorCode.AccessDenied, "There were headers present in the request which were not signed")
            {
                Details = new Dictionary<string, string> { ["HeadersNotSigned"] = string.Join(", ", unsigned) },
            };
        }
    }

    private AuthResult Result(HttpRequest request, CredentialScope scope, Principal principal, PayloadMode mode, string? expectedSha256,
        byte[] signingKey, string amzDate, DateTimeOffset time, string signature, bool presigned)
    {
        bool chunked = mode is PayloadMode.StreamingSigned or PayloadMode.StreamingSignedTrailer or PayloadMode.StreamingUnsignedTrailer;
        return new AuthResult
        {
            AccessKey = scope.AccessKey,
            Principal = principal,
            Service = scope.Service,
            PayloadMode = mode,
            ExpectedSha256Hex = expectedSha256,
            IsPresigned = presigned,
            Region = scope.Region,
            RequestTime = time,
            DecodedContentLength = chunked ? DecodedLength(request) : null,
            Chunks = mode is PayloadMode.StreamingSigned or PayloadMode.StreamingSignedTrailer
                ? new ChunkSigningContext(signingKey, amzDate, scope.Scope, signature.ToLowerInvariant())
                : null,
        };
    }

    private const string SecurityTokenHeader = "x-amz-security-token";

    /// <summary>
    /// A long-term key from the store; temporary credentials from the session token the request carries (without one, an
    /// ASIA key is no key at all: InvalidAccessKeyId).
    /// </summary>
    private Credential Find(string accessKey, string? sessionToken)
    {
        if (sessions is not null && sessions.IsTemporary(accessKey) && sessionToken is not null) return sessions.Open(accessKey, sessionToken);
        if (!credentials.TryFind(accessKey, out var credential) || string.IsNullOrEmpty(credential.Secret))
        {
            throw new S3Exception(S3ErrorCode.InvalidAccessKeyId)
            {
                Details = new Dictionary<string, string> { ["AWSAccessKeyId"] = accessKey },
            };
        }
        return credential;
    }

    /// <summary>x-amz-date wins over Date, as in SigV4.</summary>
    private static DateTimeOffset RequestTime(HttpRequest request, out string raw)
    {
        const string Invalid = "AWS authentication requires a valid Date or x-amz-date header";
        string? amzDate = Single(request.Headers["x-amz-date"]);
        if (amzDate is not null)
        {
            raw = amzDate;
            if (AmzDate.TryParseIso(amzDate, out var t) || AmzDate.TryParseHttp(amzDate, out t)) return t;
            throw new S3Exception(S3ErrorCode.AccessDenied, Invalid);
        }
        string? date = Single(request.Headers.Date);
        if (date is not null)
        {
            raw = date;
            if (AmzDate.TryParseHttp(date, out var t)) return t;
        }
        throw new S3Exception(S3ErrorCode.AccessDenied, Invalid);
    }

    private static PayloadMode ParsePayloadMode(string value, out string? expectedSha256)
    {
        expectedSha256 = null;
        switch (value)
        {
            case SigV4Constants.UnsignedPayload: return PayloadMode.Unsigned;
            case SigV4Constants.StreamingSigned: return PayloadMode.StreamingSigned;
            case SigV4Constants.StreamingSignedTrailer: return PayloadMode.StreamingSignedTrailer;
            case SigV4Constants.StreamingUnsignedTrailer: return PayloadMode.StreamingUnsignedTrailer;
        }
        if (value.Length == 64 && Hex.IsHex(value))
        {
            expectedSha256 = value.ToLowerInvariant();
            return PayloadMode.SignedSha256;
        }
        throw new S3Exception(S3ErrorCode.InvalidArgument,
            "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, or a valid sha256 value.")
        {
            Details = new Dictionary<string, string>
            {
                ["ArgumentName"] = SigV4Constants.ContentSha256Header,
                ["ArgumentValue"] = value,
            },
        };
    }

    private static long? DecodedLength(HttpRequest request)
    {
        string? value = Single(request.Headers[SigV4Constants.DecodedLengthHeader]);
        if (value is null) return null;
        if (value.All(char.IsAsciiDigit) && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out long length))
        {
            return length;
        }
        throw new S3Exception(S3ErrorCode.InvalidArgument, "x-amz-decoded-content-length is not a valid length.")
        {
            Details = new Dictionary<string, string>
            {
                ["ArgumentName"] = SigV4Constants.DecodedLengthHeader,
                ["ArgumentValue"] = value,
            },
        };
    }

    private static string[] DeclaredTrailers(HttpRequest request)
    {
        var names = new List<string>();
        foreach (var value in request.Headers["x-amz-trailer"])
        {
            if (value is null) continue;
            foreach (var part in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                names.Add(part.ToLowerInvariant());
            }
        }
        return [.. names];
    }

    private static ChunkSigningContext RequireChunks(AuthResult auth) =>
        auth.Chunks ?? throw new ArgumentException("Signed streaming payloads need the ChunkSigningContext from Authenticate.", nameof(auth));

    /// <summary>A header's value when sent once; null when absent or empty. Repeats are joined, which fails parsing downstream.</summary>
    private static string? Single(StringValues values) => StringValues.IsNullOrEmpty(values) ? null : values.ToString();
}
