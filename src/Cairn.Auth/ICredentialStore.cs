namespace Cairn.Auth;

/// <summary>Looks up the secret key that belongs to an access key id.</summary>
public interface ICredentialStore
{
    bool TryGetSecret(string accessKey, out string secretKey);
}
