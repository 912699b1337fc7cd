using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Cairn.Auth;
using Cairn.Core.Errors;
using Cairn.Core.Secrets;
using Cairn.FrontDoor.Buckets;
using Cairn.Index.Identities;

namespace Cairn.FrontDoor.Identity;

/// <summary>
/// STS sessions without storage: the session token is the session itself — its secret, role, session name, expiry and
/// session policy — sealed under the master key ring and bound to its access key id, so every node opens it and nobody
/// can forge or alter one, or pair it with another key id.
/// </summary>
public sealed class SessionTokens(MasterKeyRing masterKeys, Owner owner, TimeProvider time) : ISessionCredentials
{
    public sealed record Session(string AccessKeyId, string Secret, string Token, DateTimeOffset Expires, Principal Principal);

    public Session Issue(RoleRecord role, string sessionName, TimeSpan duration, string? sessionPolicy)
    {
        var accessKeyId = IamNames.NewTemporaryAccessKeyId();
        var claims = new SessionClaims(role.RoleName, IamNames.RoleArn(role), role.RoleId, sessionName, IamNames.NewSecret(),
            Truncate(time.GetUtcNow() + duration), sessionPolicy);
        var token = Base64Url(masterKeys.Seal(JsonSerializer.SerializeToUtf8Bytes(claims, SessionJson.Default.SessionClaims), Purpose(accessKeyId)));
        return new Session(accessKeyId, claims.Secret, token, claims.Expires, PrincipalOf(claims, accessKeyId));
    }

    public bool IsTemporary(string accessKey) => accessKey.StartsWith("ASIA", StringComparison.Ordinal);

    public Credential Open(string accessKey, string sessionToken)
    {
        SessionClaims claims;
        try
        {
            var bytes = masterKeys.Open(FromBase64Url(sessionToken), Purpose(accessKey));
            claims = JsonSerializer.Deserialize(bytes, SessionJson.Default.SessionClaims) ?? throw new CryptographicException();
        }
        catch (Exception e) when (e is CryptographicException or FormatException or JsonException)
        {
            throw new S3Exception(S3ErrorCode.InvalidToken) { Details = new Dictionary<string, string> { ["Token-0"] = sessionToken } };
        }
        if (time.GetUtcNow() >= claims.Expires)
            throw new S3Exception(S3ErrorCode.ExpiredToken) { Details = new Dictionary<string, string> { ["Token-0"] = sessionToken } };
        return new Credential(claims.Secret, PrincipalOf(claims, accessKey)) { SessionToken = sessionToken, Expires = claims.Expires };
    }

    /// <summary>arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION, its unique id ROLEID:SESSION, as IAM names a session.</summary>
    private Principal PrincipalOf(SessionClaims claims, string accessKeyId) =>
        new(PrincipalKind.AssumedRole, $"arn:aws:sts::{Principal.AccountId}:assumed-role/{claims.RoleName}/{claims.SessionName}", owner.Id)
        {
            Name = claims.RoleName,
            AccessKey = accessKeyId,
            UserId = $"{claims.RoleId}:{claims.SessionName}",
            SessionPolicy = claims.Policy,
        };

    private static string Purpose(string accessKeyId) => "sts-session:" + accessKeyId;

    /// <summary>STS states expirations to the second; the token expires exactly when it says.</summary>
    private static DateTimeOffset Truncate(DateTimeOffset t) => DateTimeOffset.FromUnixTimeSeconds(t.ToUnixTimeSeconds());

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + (4 - s.Length % 4) % 4, '='));
    }
}

/// <summary>What a session token seals.</summary>
internal sealed record SessionClaims(string RoleName, string RoleArn, string RoleId, string SessionName, string Secret, DateTimeOffset Expires, string? Policy);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SessionClaims))]
internal sealed partial class SessionJson : JsonSerializerContext;
