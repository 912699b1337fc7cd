using Cairn.Policies;

namespace Cairn.Policies.Tests;

/// <summary>
/// A role's trust policy as IAM reads it: checked with IAM's messages (Principal required, only STS's assume actions, no
/// Resource), then evaluated as the role's resource policy — naming a user admits that user, naming the account leaves
/// the decision to the caller's identity policies, conditions (sts:ExternalId) and Deny apply.
/// </summary>
public sealed class TrustPolicyTests
{
    private const string Account = "000000000000";
    private const string RoleArn = $"arn:aws:iam::{Account}:role/deployer";

    private static readonly RequestPrincipal Alice = new(RequestPrincipalType.User, $"arn:aws:iam::{Account}:user/alice", "c0ffee")
    {
        Account = Account, UserName = "alice", UserId = "AIDAALICE",
    };

    private static readonly RequestPrincipal Bob = Alice with { Arn = $"arn:aws:iam::{Account}:user/bob", UserName = "bob", UserId = "AIDABOB" };

    [Theory]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Resource":"*"}]}""", "Has prohibited field Resource")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:GetObject"}]}""", "AssumeRole policy may only specify STS AssumeRole actions.")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}""", "AssumeRolepolicy contained an invalid principal: Missing Principal.")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"alice"},"Action":"sts:AssumeRole"}]}""", "Invalid principal in policy: \"AWS\":\"alice\"")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"}}]}""", "Policy statement must contain actions.")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole",}]}""", "Syntax errors in policy.")]
    public void A_trust_policy_IAM_refuses_is_refused_with_IAMs_message(string json, string message)
    {
        var e = Assert.Throws<MalformedPolicyException>(() => PolicyParser.Parse(json, PolicyKind.Trust));
        Assert.Equal(("MalformedPolicyDocument", message), (e.Code, e.Message));
    }

    [Fact]
    public void A_trust_policy_naming_a_user_admits_that_user_alone_without_an_identity_policy()
    {
        var trust = Trust($$"""{"Effect":"Allow","Principal":{"AWS":"{{Alice.Arn}}"},"Action":"sts:AssumeRole"}""");
        Assert.Equal(Decision.Allow, PolicyEvaluator.Evaluate(Assume(Alice), [], trust));
        Assert.Equal(Decision.ImplicitDeny, PolicyEvaluator.Evaluate(Assume(Bob), [], trust));
    }

    [Fact]
    public void A_trust_policy_naming_the_account_delegates_to_the_callers_identity_policies()
    {
        var allowAssume = PolicyParser.Parse($$"""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"{{RoleArn}}"}]}""", PolicyKind.Identity);
        foreach (var account in new[] { $"arn:aws:iam::{Account}:root", Account })
        {
            var trust = Trust($$"""{"Effect":"Allow","Principal":{"AWS":"{{account}}"},"Action":"sts:AssumeRole"}""");
            Assert.Equal(Decision.ImplicitDeny, PolicyEvaluator.Evaluate(Assume(Alice), [], trust));
            Assert.Equal(Decision.Allow, PolicyEvaluator.Evaluate(Assume(Alice), [allowAssume], trust));
        }
    }

    [Fact]
    public void Conditions_and_Deny_of_a_trust_policy_apply()
    {
        var trust = Trust(
            """{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"s3cret-id"}}}""",
            """{"Effect":"Deny","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:username":"bob"}}}""");
        Assert.Equal(Decision.Allow, PolicyEvaluator.Evaluate(Assume(Alice).With("sts:ExternalId", "s3cret-id"), [], trust));
        Assert.Equal(Decision.ImplicitDeny, PolicyEvaluator.Evaluate(Assume(Alice).With("sts:ExternalId", "wrong"), [], trust));
        Assert.Equal(Decision.ImplicitDeny, PolicyEvaluator.Evaluate(Assume(Alice), [], trust));
        Assert.Equal(Decision.ExplicitDeny, PolicyEvaluator.Evaluate(Assume(Bob).With("sts:ExternalId", "s3cret-id"), [], trust));
    }

    private static RequestContext Assume(RequestPrincipal who) => new("sts:AssumeRole", RoleArn, who);

    private static PolicyDocument Trust(params string[] statements) =>
        PolicyParser.Parse($$"""{"Version":"2012-10-17","Statement":[{{string.Join(',', statements)}}]}""", PolicyKind.Trust);
}
