using System.Globalization;
using Cairn.Auth;
using Cairn.FrontDoor.Routing;
using Cairn.Policies;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;

namespace Cairn.FrontDoor.Authorization;

/// <summary>
/// The condition keys a request supplies, as AWS defines them for S3: the global keys (aws:SourceIp,
/// aws:SecureTransport, aws:CurrentTime, aws:EpochTime, aws:Referer, aws:UserAgent) and the S3 keys its headers and
/// query carry (s3:prefix, s3:delimiter, s3:max-keys, s3:x-amz-acl, s3:VersionId, s3:RequestObjectTag/…, …). A key the
/// request does not carry is absent, which is what Null and …IfExists test. s3:ExistingObjectTag/… is not supplied
/// (it would cost reading the object before authorizing): a condition on it sees the key absent.
/// </summary>
public static class RequestConditions
{
    private static readonly (string Key, string Header)[] HeaderKeys =
    [
        ("aws:Referer", "Referer"),
        ("aws:UserAgent", "User-Agent"),
        ("s3:x-amz-acl", "x-amz-acl"),
        ("s3:x-amz-content-sha256", "x-amz-content-sha256"),
        ("s3:x-amz-server-side-encryption", "x-amz-server-side-encryption"),
        ("s3:x-amz-server-side-encryption-aws-kms-key-id", "x-amz-server-side-encryption-aws-kms-key-id"),
        ("s3:x-amz-storage-class", "x-amz-storage-class"),
        ("s3:x-amz-copy-source", "x-amz-copy-source"),
        ("s3:x-amz-metadata-directive", "x-amz-metadata-directive"),
        ("s3:x-amz-website-redirect-location", "x-amz-website-redirect-location"),
        ("s3:x-amz-grant-read", "x-amz-grant-read"),
        ("s3:x-amz-grant-write", "x-amz-grant-write"),
        ("s3:x-amz-grant-read-acp", "x-amz-grant-read-acp"),
        ("s3:x-amz-grant-write-acp", "x-amz-grant-write-acp"),
        ("s3:x-amz-grant-full-control", "x-amz-grant-full-control"),
        ("s3:object-lock-mode", "x-amz-object-lock-mode"),
        ("s3:object-lock-retain-until-date", "x-amz-object-lock-retain-until-date"),
        ("s3:object-lock-legal-hold", "x-amz-object-lock-legal-hold"),
        ("s3:if-match", "If-Match"),
        ("s3:if-none-match", "If-None-Match"),
    ];

    private static readonly (string Key, string Parameter)[] ListingKeys =
    [
        ("s3:prefix", "prefix"),
        ("s3:delimiter", "delimiter"),
        ("s3:max-keys", "max-keys"),
    ];

    /// <summary>The request's keys added to <paramref name="context"/>.</summary>
    public static RequestContext Fill(RequestContext context, S3Request s3, AuthResult? auth, DateTimeOffset now)
    {
        var http = s3.Http;
        var request = http.Request;
        FillGlobal(context, http, now);
        if (http.Features.Get<ITlsHandshakeFeature>() is { } tls)
            context.With("s3:TlsVersion", TlsVersion(tls.Protocol));

        foreach (var (key, header) in HeaderKeys)
        {
            if (s3.Header(header) is { } value)
                context.With(key, value);
        }

        // s3:prefix, s3:delimiter and s3:max-keys describe listings only (AWS: ListBucket and ListBucketVersions).
        if (s3.Operation is S3Operation.ListObjects or S3Operation.ListObjectsV2 or S3Operation.ListObjectVersions)
        {
            foreach (var (key, parameter) in ListingKeys)
            {
                if (request.Query.TryGetValue(parameter, out var value))
                    context.With(key, value.ToString());
            }
        }

        if (request.Query.TryGetValue("versionId", out var versionId) && versionId.Count > 0)
            context.With("s3:VersionId", versionId.ToString());

        if (auth is not null)
        {
            context.With("s3:signatureversion", "AWS4-HMAC-SHA256");
            context.With("s3:authType", auth.IsPresigned ? "REST-QUERY-STRING" : "REST-HEADER");
        }

        if (s3.Header("x-amz-tagging") is { } tagging)
            AddRequestTags(context, tagging);
        return context;
    }

    /// <summary>The global keys every service supplies (IAM and STS calls have these alone): where from, how, when.</summary>
    public static RequestContext FillGlobal(RequestContext context, HttpContext http, DateTimeOffset now)
    {
        if (http.Connection.RemoteIpAddress is { } address)
            context.With("aws:SourceIp", (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString());
        context.With("aws:SecureTransport", http.Request.IsHttps ? "true" : "false");
        context.With("aws:CurrentTime", now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        context.With("aws:EpochTime", now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        return context;
    }

    // x-amz-tagging is a URL query string: key1=value1&key2=value2.
    private static void AddRequestTags(RequestContext context, string tagging)
    {
        var keys = new List<string>();
        foreach (var pair in tagging.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=');
            var key = Uri.UnescapeDataString((equals < 0 ? pair : pair[..equals]).Replace('+', ' '));
            var value = equals < 0 ? "" : Uri.UnescapeDataString(pair[(equals + 1)..].Replace('+', ' '));
            keys.Add(key);
            context.With("s3:RequestObjectTag/" + key, value);
        }

        context.With("s3:RequestObjectTagKeys", keys);
    }

    // s3:TlsVersion is a number: 1.2, 1.3.
    private static string TlsVersion(System.Security.Authentication.SslProtocols protocol) => protocol switch
    {
        System.Security.Authentication.SslProtocols.Tls13 => "1.3",
        System.Security.Authentication.SslProtocols.Tls12 => "1.2",
        _ => "1.1",
    };

    /// <summary>The principal as policies see it.</summary>
    public static RequestPrincipal PrincipalOf(Principal principal)
    {
        var account = principal.Kind == PrincipalKind.Anonymous ? null : Principal.AccountId;
        return new RequestPrincipal(principal.Kind switch
        {
            PrincipalKind.Anonymous => RequestPrincipalType.Anonymous,
            PrincipalKind.Root => RequestPrincipalType.Account,
            PrincipalKind.User => RequestPrincipalType.User,
            _ => RequestPrincipalType.AssumedRole,
        }, principal.Arn, principal.CanonicalId)
        {
            Account = account,
            UserName = principal.Kind == PrincipalKind.User ? principal.Name : null,
            UserId = principal.Kind == PrincipalKind.Anonymous ? "anonymous" : principal.UserId,
            RoleArn = principal.Kind == PrincipalKind.AssumedRole ? RoleArnOf(principal.Arn) : null,
        };
    }

    // arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION → arn:aws:iam::ACCOUNT:role/ROLE (role paths are not in a session ARN).
    private static string? RoleArnOf(string sessionArn)
    {
        const string marker = ":assumed-role/";
        var at = sessionArn.IndexOf(marker, StringComparison.Ordinal);
        if (at < 0) return null;
        var rest = sessionArn[(at + marker.Length)..];
        var slash = rest.IndexOf('/');
        var role = slash < 0 ? rest : rest[..slash];
        return $"arn:aws:iam::{Principal.AccountId}:role/{role}";
    }
}
