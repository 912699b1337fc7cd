using Cairn.Index.Identities;
using Cairn.Policies;

namespace Cairn.FrontDoor.Identity;

/// <summary>
/// The check IAM makes of a policy document before it stores or carries it: the policy engine's parser with IAM's rules
/// (a permission policy: <see cref="PolicyKind.Identity"/>; a role's trust policy: <see cref="PolicyKind.Trust"/>), its
/// refusal answered as IAM's 400 MalformedPolicyDocument with IAM's message.
/// </summary>
public static class PolicyGrammar
{
    public static PolicyDocument Require(string document, PolicyKind kind)
    {
        try
        {
            return PolicyParser.Parse(document, kind);
        }
        catch (MalformedPolicyException e)
        {
            throw IamErrors.MalformedPolicyDocument(e.Message);
        }
    }
}
