namespace Cairn.Auth;

/// <summary>
/// A secret that signs requests and the principal it stands for. Temporary credentials (STS) also name the
/// session token the request must carry (<c>x-amz-security-token</c>) and when they expire.
/// </summary>
public sealed record Credential(string Secret, Principal Principal)
{
    public string? SessionToken { get; init; }

    public DateTimeOffset? Expires { get; init; }
}

/// <summary>Looks up the credential that belongs to an access key id (active keys only).</summary>
public interface ICredentialStore
{
    bool TryFind(string accessKey, out Credential credential);
}
