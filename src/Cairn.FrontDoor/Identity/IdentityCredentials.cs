using Cairn.Auth;
using Cairn.FrontDoor.Hosting;
using Cairn.Index.Identities;

namespace Cairn.FrontDoor.Identity;

/// <summary>The account's root pair first, then the active access keys of the IAM users (<see cref="IdentityView"/>).</summary>
public sealed class IdentityCredentials(RootCredentials root, IdentityView view) : ICredentialStore
{
    public bool TryFind(string accessKey, out Credential credential) =>
        root.TryFind(accessKey, out credential) || view.TryFind(accessKey, out credential);
}

/// <summary>
/// A user's inline policies and those of the groups it belongs to, or an assumed role's (its session policy, which narrows
/// them, is on the principal: <see cref="Principal.SessionPolicy"/>), from the in-memory view; the root and anonymous have none.
/// </summary>
public sealed class IdentityPolicies(IdentityView view) : IIdentityPolicies
{
    public IReadOnlyList<string> PoliciesOf(Principal principal)
    {
        var table = view.Table;
        return principal switch
        {
            { Kind: PrincipalKind.User, Name: { } user } =>
            [
                .. table.PoliciesOf(PolicyHolder.User, user).Values,
                .. table.GroupsOf(user).SelectMany(g => table.PoliciesOf(PolicyHolder.Group, g.GroupName).Values),
            ],
            { Kind: PrincipalKind.AssumedRole, Name: { } role } => [.. table.PoliciesOf(PolicyHolder.Role, role).Values],
            _ => [],
        };
    }
}
