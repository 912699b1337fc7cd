namespace Cairn.Auth;

/// <summary>
/// The identity-based policies (IAM's JSON grammar, as stored) that apply to a principal: a user's inline and group
/// policies, an assumed role's permission policies and session policy. The root and anonymous have none.
/// </summary>
public interface IIdentityPolicies
{
    IReadOnlyList<string> PoliciesOf(Principal principal);
}

/// <summary>A store without IAM users: no principal has identity policies.</summary>
public sealed class NoIdentityPolicies : IIdentityPolicies
{
    public IReadOnlyList<string> PoliciesOf(Principal principal) => [];
}
