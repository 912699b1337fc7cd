namespace Cairn.Auth;

/// <summary>
/// Temporary credentials (STS): an ASIA… access key whose secret, principal and expiry travel inside the session token the
/// request carries (<c>x-amz-security-token</c>, or <c>X-Amz-Security-Token</c> in a presigned URL), so any node can check
/// them without storage.
/// </summary>
public interface ISessionCredentials
{
    /// <summary>Whether the access key id is one of temporary credentials (then the request must carry its session token).</summary>
    bool IsTemporary(string accessKey);

    /// <summary>The credential the token stands for; throws S3's InvalidToken when it is forged, altered or not the key's, ExpiredToken past its expiry.</summary>
    Credential Open(string accessKey, string sessionToken);
}
