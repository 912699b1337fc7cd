using Cairn.Auth;

namespace Cairn.FrontDoor.Hosting;

/// <summary>The single root credential pair of a single-node store.</summary>
public sealed class RootCredentials(string accessKey, string secretKey) : ICredentialStore
{
    public bool TryGetSecret(string key, out string secret)
    {
        secret = key == accessKey ? secretKey : "";
        return key == accessKey;
    }
}
