using Cairn.Auth;
using Cairn.FrontDoor.Buckets;

namespace Cairn.FrontDoor.Hosting;

/// <summary>The account's root credential pair, from the server's configuration.</summary>
public sealed class RootCredentials(string accessKey, string secretKey, Owner owner) : ICredentialStore
{
    private readonly Credential root = new(secretKey, Principal.Root(owner.Id) with { AccessKey = accessKey });

    public bool TryFind(string key, out Credential credential)
    {
        credential = root;
        return key == accessKey;
    }
}
