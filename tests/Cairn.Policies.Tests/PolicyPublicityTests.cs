using Cairn.Policies;

namespace Cairn.Policies.Tests;

public sealed class PolicyPublicityTests
{
    private static bool IsPublic(string principal, string condition = "") => PolicyPublicity.IsPublic(PolicyParser.Parse($$"""
        {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{{principal}},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"{{condition}}}]}
        """, PolicyKind.Bucket, "b"));

    [Fact]
    public void Everyone_without_conditions_is_public() => Assert.True(IsPublic("\"*\""));

    [Fact]
    public void A_fixed_principal_is_not_public() => Assert.False(IsPublic("""{"AWS":"arn:aws:iam::000000000000:user/alice"}"""));

    [Theory]
    [InlineData(""","Condition":{"IpAddress":{"aws:SourceIp":"192.0.2.0/24"}}""", false)]
    [InlineData(""","Condition":{"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}""", true)]
    [InlineData(""","Condition":{"NotIpAddress":{"aws:SourceIp":"192.0.2.0/24"}}""", true)]
    [InlineData(""","Condition":{"StringEquals":{"aws:SourceVpc":"vpc-1a2b3c4d"}}""", false)]
    [InlineData(""","Condition":{"StringLike":{"aws:SourceVpc":"vpc-*"}}""", true)]
    [InlineData(""","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-123"}}""", false)]
    [InlineData(""","Condition":{"ArnEquals":{"aws:SourceArn":"arn:aws:cloudfront::000000000000:distribution/E1"}}""", false)]
    [InlineData(""","Condition":{"StringEquals":{"aws:Referer":"https://example.com"}}""", true)]
    public void Only_fixed_values_of_pinning_keys_make_a_grant_to_everyone_non_public(string condition, bool expected) =>
        Assert.Equal(expected, IsPublic("\"*\"", condition));

    [Fact]
    public void A_deny_to_everyone_is_not_public() => Assert.False(PolicyPublicity.IsPublic(PolicyParser.Parse("""
        {"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b/*"}]}
        """, PolicyKind.Bucket, "b")));
}
