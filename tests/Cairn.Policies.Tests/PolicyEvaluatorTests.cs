using Cairn.Policies;

namespace Cairn.Policies.Tests;

public sealed class PolicyEvaluatorTests
{
    private const string Bucket = "examplebucket";
    private const string Account = "000000000000";

    private static readonly RequestPrincipal Anonymous = RequestPrincipal.Anonymous("65a011a29cdf8ec533ec3d1ccaae921c");

    private static readonly RequestPrincipal Alice = new(RequestPrincipalType.User, $"arn:aws:iam::{Account}:user/alice", "a11ce")
    {
        Account = Account, UserName = "alice", UserId = "AIDAALICE",
    };

    private static readonly RequestPrincipal Root = new(RequestPrincipalType.Account, $"arn:aws:iam::{Account}:root", "0123abcd")
    {
        Account = Account, UserId = Account,
    };

    private static readonly RequestPrincipal ReaderSession = new(RequestPrincipalType.AssumedRole, $"arn:aws:sts::{Account}:assumed-role/reader/s1", "5e55")
    {
        Account = Account, UserId = "AROAREADER:s1", RoleArn = $"arn:aws:iam::{Account}:role/reader",
    };

    private static PolicyDocument BucketPolicy(string json) => PolicyParser.Parse(json, PolicyKind.Bucket, Bucket);

    private static PolicyDocument IdentityPolicy(string json) => PolicyParser.Parse(json, PolicyKind.Identity);

    private static RequestContext Get(string key, RequestPrincipal principal) =>
        new("s3:GetObject", $"arn:aws:s3:::{Bucket}/{key}", principal);

    private static Decision Evaluate(PolicyDocument resourcePolicy, RequestContext request) =>
        PolicyEvaluator.Evaluate(request, [], resourcePolicy);

    private static readonly PolicyDocument PublicPrefix = BucketPolicy("""
        {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::examplebucket/public/*"}]}
        """);

    [Fact]
    public void Anonymous_read_of_a_public_prefix_is_allowed_and_nothing_else()
    {
        Assert.Equal(Decision.Allow, Evaluate(PublicPrefix, Get("public/a.txt", Anonymous)));
        Assert.Equal(Decision.ImplicitDeny, Evaluate(PublicPrefix, Get("private/a.txt", Anonymous)));
        Assert.Equal(Decision.ImplicitDeny, Evaluate(PublicPrefix, new RequestContext("s3:PutObject", "arn:aws:s3:::examplebucket/public/a.txt", Anonymous)));
        Assert.Equal(Decision.ImplicitDeny, Evaluate(PublicPrefix, new RequestContext("s3:ListBucket", "arn:aws:s3:::examplebucket", Anonymous)));
    }

    [Fact]
    public void Explicit_deny_beats_allow_in_the_same_policy_and_across_policies()
    {
        var policy = BucketPolicy("""
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::examplebucket","arn:aws:s3:::examplebucket/*"]},
              {"Effect":"Deny","Principal":"*","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::examplebucket/keep/*"}]}
            """);
        Assert.Equal(Decision.Allow, Evaluate(policy, new RequestContext("s3:DeleteObject", "arn:aws:s3:::examplebucket/tmp/x", Anonymous)));
        Assert.Equal(Decision.ExplicitDeny, Evaluate(policy, new RequestContext("s3:DeleteObject", "arn:aws:s3:::examplebucket/keep/x", Anonymous)));

        var allowAll = IdentityPolicy("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}""");
        Assert.Equal(Decision.ExplicitDeny, PolicyEvaluator.Evaluate(new RequestContext("s3:DeleteObject", "arn:aws:s3:::examplebucket/keep/x", Alice), [allowAll], policy));
    }

    [Fact]
    public void Identity_policy_or_bucket_policy_alone_suffices_within_the_account()
    {
        var readOnly = IdentityPolicy("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","s3:List*"],"Resource":"*"}]}""");
        Assert.Equal(Decision.Allow, PolicyEvaluator.Evaluate(Get("x", Alice), [readOnly], null));
        Assert.Equal(Decision.ImplicitDeny, PolicyEvaluator.Evaluate(new RequestContext("s3:PutObject", "arn:aws:s3:::examplebucket/x", Alice), [readOnly], null));

        var grantsAlice = BucketPolicy("""
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:user/alice"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::examplebucket/*"}]}
            """);
        Assert.Equal(Decision.Allow, PolicyEvaluator.Evaluate(new RequestContext("s3:PutObject", "arn:aws:s3:::examplebucket/x", Alice), [readOnly], grantsAlice));
        Assert.Equal(Decision.ImplicitDeny, PolicyEvaluator.Evaluate(new RequestContext("s3:PutObject", "arn:aws:s3:::examplebucket/x", Anonymous), [], grantsAlice));
    }

    [Fact]
    public void A_role_arn_names_its_sessions_and_an_account_allow_names_only_the_root()
    {
        var policy = BucketPolicy("""
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:role/reader"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::examplebucket/*"},
              {"Effect":"Allow","Principal":{"AWS":"000000000000"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::examplebucket/*"},
              {"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::000000000000:root"},"Action":"s3:DeleteObject","Resource":"arn:aws:s3:::examplebucket/*"}]}
            """);
        Assert.Equal(Decision.Allow, Evaluate(policy, Get("x", ReaderSession)));
        Assert.Equal(Decision.ImplicitDeny, Evaluate(policy, new RequestContext("s3:PutObject", "arn:aws:s3:::examplebucket/x", Alice)));
        Assert.Equal(Decision.Allow, Evaluate(policy, new RequestContext("s3:PutObject", "arn:aws:s3:::examplebucket/x", Root)));
        Assert.Equal(Decision.ExplicitDeny, Evaluate(policy, new RequestContext("s3:DeleteObject", "arn:aws:s3:::examplebucket/x", Alice)));
    }

    [Fact]
    public void NotPrincipal_NotAction_and_NotResource_invert_their_element()
    {
        var policy = BucketPolicy("""
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Principal":"*","NotAction":"s3:DeleteObject","NotResource":"arn:aws:s3:::examplebucket/secret/*"},
              {"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::000000000000:user/alice"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::examplebucket/alice/*"}]}
            """);
        Assert.Equal(Decision.Allow, Evaluate(policy, Get("open/x", Anonymous)));
        Assert.Equal(Decision.ImplicitDeny, Evaluate(policy, Get("secret/x", Anonymous)));
        Assert.Equal(Decision.ImplicitDeny, Evaluate(policy, new RequestContext("s3:DeleteObject", "arn:aws:s3:::examplebucket/open/x", Anonymous)));
        Assert.Equal(Decision.ExplicitDeny, Evaluate(policy, Get("alice/x", Anonymous)));
        Assert.Equal(Decision.Allow, Evaluate(policy, Get("alice/x", Alice)));
    }

    [Fact]
    public void SourceIp_conditions_take_IPv4_and_IPv6_ranges()
    {
        var policy = BucketPolicy("""
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::examplebucket/*",
              "Condition":{"IpAddress":{"aws:SourceIp":["192.0.2.0/24","2001:db8::/32"]},"NotIpAddress":{"aws:SourceIp":"192.0.2.188/32"}}}]}
            """);
        Decision From(string ip) => Evaluate(policy, Get("x", Anonymous).With("aws:SourceIp", ip));
        Assert.Equal(Decision.Allow, From("192.0.2.7"));
        Assert.Equal(Decision.ImplicitDeny, From("192.0.2.188"));
        Assert.Equal(Decision.ImplicitDeny, From("198.51.100.1"));
        Assert.Equal(Decision.Allow, From("2001:db8:1::5"));
        Assert.Equal(Decision.ImplicitDeny, From("2001:db9::5"));
        Assert.Equal(Decision.ImplicitDeny, Evaluate(policy, Get("x", Anonymous)));
    }

    [Theory]
    [InlineData("10.16.0.0/12", "10.31.255.255", true)]
    [InlineData("10.16.0.0/12", "10.32.0.0", false)]
    [InlineData("2001:db8::/33", "2001:db8:7fff::1", true)]
    [InlineData("2001:db8::/33", "2001:db8:8000::1", false)]
    [InlineData("192.0.2.0/24", "::ffff:192.0.2.9", true)]
    public void Ranges_off_byte_boundaries(string range, string address, bool inside) =>
        Assert.Equal(inside, IpRange.TryParse(range, out var parsed) && parsed.Contains(System.Net.IPAddress.Parse(address)));

    [Fact]
    public void Prefix_condition_on_ListBucket_with_policy_variables()
    {
        var home = IdentityPolicy("""
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::examplebucket",
              "Condition":{"StringLike":{"s3:prefix":["","home/","home/${aws:username}/*"]}}}]}
            """);
        RequestContext List(string? prefix) => new RequestContext("s3:ListBucket", "arn:aws:s3:::examplebucket", Alice).With("s3:prefix", prefix is null ? null : [prefix]);
        Assert.Equal(Decision.Allow, PolicyEvaluator.Evaluate(List("home/alice/docs/"), [home], null));
        Assert.Equal(Decision.Allow, PolicyEvaluator.Evaluate(List("home/"), [home], null));
        Assert.Equal(Decision.ImplicitDeny, PolicyEvaluator.Evaluate(List("home/bob/"), [home], null));
        Assert.Equal(Decision.ImplicitDeny, PolicyEvaluator.Evaluate(List(null), [home], null));
    }

    [Fact]
    public void Variables_resolve_in_resources_only_under_2012_10_17()
    {
        const string Body = """
            "Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::examplebucket/${aws:username}/*"}]}
            """;
        var current = IdentityPolicy("{\"Version\":\"2012-10-17\"," + Body);
        var legacy = IdentityPolicy("{\"Version\":\"2008-10-17\"," + Body);
        Assert.Equal(Decision.Allow, PolicyEvaluator.Evaluate(Get("alice/x", Alice), [current], null));
        Assert.Equal(Decision.ImplicitDeny, PolicyEvaluator.Evaluate(Get("alice/x", Alice), [legacy], null));
        Assert.Equal(Decision.Allow, PolicyEvaluator.Evaluate(Get("${aws:username}/x", Alice), [legacy], null));
        // The root has no aws:username: the resource matches nothing.
        Assert.Equal(Decision.ImplicitDeny, PolicyEvaluator.Evaluate(Get("/x", Root), [current], null));
    }

    [Fact]
    public void Escape_variables_are_literal_characters()
    {
        var policy = IdentityPolicy("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::examplebucket/${*}${?}${$}${aws:username, 'nobody'}"}]}""");
        Assert.Equal(Decision.Allow, PolicyEvaluator.Evaluate(Get("*?$alice", Alice), [policy], null));
        Assert.Equal(Decision.ImplicitDeny, PolicyEvaluator.Evaluate(Get("ab$alice", Alice), [policy], null));
        Assert.Equal(Decision.Allow, PolicyEvaluator.Evaluate(Get("*?$nobody", Root), [policy], null));
    }

    [Fact]
    public void Absent_keys_follow_IfExists_Null_and_negation_rules()
    {
        static PolicyDocument With(string condition) => IdentityPolicy(
            $$$"""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{{{condition}}}}]}""");
        var request = Get("x", Alice);
        Assert.Equal(Decision.ImplicitDeny, PolicyEvaluator.Evaluate(request, [With("""{"StringEquals":{"aws:Referer":"a"}}""")], null));
        Assert.Equal(Decision.Allow, PolicyEvaluator.Evaluate(request, [With("""{"StringEqualsIfExists":{"aws:Referer":"a"}}""")], null));
        Assert.Equal(Decision.Allow, PolicyEvaluator.Evaluate(request, [With("""{"StringNotEquals":{"aws:Referer":"a"}}""")], null));
        Assert.Equal(Decision.Allow, PolicyEvaluator.Evaluate(request, [With("""{"Null":{"aws:Referer":"true"}}""")], null));
        Assert.Equal(Decision.ImplicitDeny, PolicyEvaluator.Evaluate(request, [With("""{"Null":{"aws:username":"true"}}""")], null));
        Assert.Equal(Decision.Allow, PolicyEvaluator.Evaluate(request, [With("""{"ForAllValues:StringEquals":{"s3:RequestObjectTagKeys":["a"]}}""")], null));
        Assert.Equal(Decision.ImplicitDeny, PolicyEvaluator.Evaluate(request, [With("""{"ForAnyValue:StringEquals":{"s3:RequestObjectTagKeys":["a"]}}""")], null));
    }

    [Fact]
    public void Set_operators_compare_every_request_value()
    {
        var onlyAllowed = IdentityPolicy("""
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"*",
              "Condition":{"ForAllValues:StringEquals":{"s3:RequestObjectTagKeys":["project","team"]}}}]}
            """);
        RequestContext Put(params string[] keys) => new RequestContext("s3:PutObject", "arn:aws:s3:::examplebucket/x", Alice).With("s3:RequestObjectTagKeys", keys);
        Assert.Equal(Decision.Allow, PolicyEvaluator.Evaluate(Put("project"), [onlyAllowed], null));
        Assert.Equal(Decision.Allow, PolicyEvaluator.Evaluate(Put("project", "team"), [onlyAllowed], null));
        Assert.Equal(Decision.ImplicitDeny, PolicyEvaluator.Evaluate(Put("project", "cost"), [onlyAllowed], null));

        var noneForbidden = IdentityPolicy("""
            {"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:PutObject","Resource":"*",
              "Condition":{"ForAnyValue:StringLike":{"s3:RequestObjectTagKeys":["secret*"]}}}]}
            """);
        Assert.Equal(Decision.ExplicitDeny, PolicyEvaluator.Evaluate(Put("a", "secret-x"), [onlyAllowed, noneForbidden], null));
    }

    [Theory]
    [InlineData("NumericLessThanEquals", "s3:max-keys", "10", "10", true)]
    [InlineData("NumericLessThan", "s3:max-keys", "10", "10", false)]
    [InlineData("NumericGreaterThan", "s3:max-keys", "10", "abc", false)]
    [InlineData("DateLessThan", "aws:CurrentTime", "2026-12-01T00:00:00Z", "2026-11-30T10:00:00Z", true)]
    [InlineData("DateGreaterThan", "aws:CurrentTime", "2026-12-01", "2026-11-30T10:00:00Z", false)]
    [InlineData("DateGreaterThanEquals", "aws:EpochTime", "1700000000", "1800000000", true)]
    [InlineData("Bool", "aws:SecureTransport", "false", "FALSE", true)]
    [InlineData("Bool", "aws:SecureTransport", "true", "false", false)]
    [InlineData("StringEqualsIgnoreCase", "aws:UserAgent", "Boto3", "boto3", true)]
    [InlineData("StringNotLike", "aws:Referer", "https://example.com/*", "https://example.com/page", false)]
    [InlineData("ArnLike", "aws:SourceArn", "arn:aws:s3:*:*:bucket-*", "arn:aws:s3:::bucket-a", true)]
    [InlineData("ArnEquals", "aws:SourceArn", "arn:aws:s3:::b", "arn:aws:s3:::c", false)]
    [InlineData("ArnNotLike", "aws:SourceArn", "arn:aws:s3:::b*", "arn:aws:s3:::c", true)]
    public void Operators_compare_as_IAM_documents(string op, string key, string policyValue, string requestValue, bool allowed)
    {
        var condition = $"\"{op}\":{{\"{key}\":\"{policyValue}\"}}";
        var policy = IdentityPolicy("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{""" + condition + "}}]}");
        var decision = PolicyEvaluator.Evaluate(Get("x", Alice).With(key, requestValue), [policy], null);
        Assert.Equal(allowed ? Decision.Allow : Decision.ImplicitDeny, decision);
    }

    [Fact]
    public void Principal_keys_come_from_the_principal()
    {
        var request = Get("x", ReaderSession);
        Assert.Equal(["AssumedRole"], request.Values("aws:PrincipalType"));
        Assert.Equal([$"arn:aws:iam::{Account}:role/reader"], request.Values("aws:PrincipalArn"));
        Assert.Equal(["AROAREADER:s1"], request.Values("aws:userid"));
        Assert.Null(Get("x", Anonymous).Values("aws:PrincipalArn"));
        Assert.Equal(["Anonymous"], Get("x", Anonymous).Values("AWS:principaltype"));
    }
}
