using CsCheck;
using Cairn.Policies;

namespace Cairn.Policies.Tests;

public sealed class PolicyParserTests
{
    private const string Bucket = "examplebucket";

    private static MalformedPolicyException RefusedAsBucketPolicy(string json) =>
        Assert.Throws<MalformedPolicyException>(() => PolicyParser.Parse(json, PolicyKind.Bucket, Bucket));

    private static string Statement(string body) => $$"""{"Version":"2012-10-17","Statement":[{{{body}}}]}""";

    [Fact]
    public void Parses_AWS_public_read_example()
    {
        var policy = PolicyParser.Parse("""
            {
              "Version":"2012-10-17",
              "Id":"PublicRead",
              "Statement":[{"Sid":"PublicRead","Effect":"Allow","Principal":"*",
                "Action":["s3:GetObject","s3:GetObjectVersion"],"Resource":["arn:aws:s3:::examplebucket/*"]}]
            }
            """, PolicyKind.Bucket, Bucket);
        var statement = Assert.Single(policy.Statements);
        Assert.Equal("PublicRead", policy.Id);
        Assert.Equal(Effect.Allow, statement.Effect);
        Assert.True(statement.Principal!.Everyone);
        Assert.Equal(["s3:GetObject", "s3:GetObjectVersion"], statement.Actions);
    }

    [Fact]
    public void Statement_may_be_a_single_object_and_values_single_strings()
    {
        var policy = PolicyParser.Parse("""
            {"Statement":{"Effect":"Deny","Principal":{"AWS":["arn:aws:iam::000000000000:user/alice","000000000000"]},
             "NotAction":"s3:GetObject","Resource":"arn:aws:s3:::examplebucket/*",
             "Condition":{"ForAnyValue:StringLikeIfExists":{"s3:prefix":["home/","docs/*"]},"NumericLessThan":{"s3:max-keys":10},"Bool":{"aws:SecureTransport":false}}}}
            """, PolicyKind.Bucket, Bucket);
        var statement = Assert.Single(policy.Statements);
        Assert.True(statement.NotAction);
        Assert.Equal(3, statement.Conditions.Count);
        Assert.Equal("10", statement.Conditions[1].Values[0]);
        Assert.Equal("false", statement.Conditions[2].Values[0]);
        Assert.Equal(SetQualifier.ForAnyValue, statement.Conditions[0].Operator.Qualifier);
        Assert.True(statement.Conditions[0].Operator.IfExists);
    }

    [Theory]
    [InlineData("", "Policies must be valid JSON and the first byte must be '{'")]
    [InlineData("[]", "Policies must be valid JSON and the first byte must be '{'")]
    [InlineData("{\"Statement\":[", "This policy contains invalid Json")]
    [InlineData("{\"Version\":\"2012-10-17\"}", "Missing required field Statement")]
    [InlineData("{\"Statement\":[]}", "Could not parse the policy: Statement is empty!")]
    [InlineData("{\"Version\":\"2020-01-01\",\"Statement\":[]}", "The policy must contain a valid version string")]
    public void Refuses_malformed_documents_with_S3s_messages(string json, string message)
    {
        var error = RefusedAsBucketPolicy(json);
        Assert.Equal("MalformedPolicy", error.Code);
        Assert.Equal(message, error.Message);
    }

    [Theory]
    [InlineData("\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::examplebucket/*\"", "Missing required field Principal")]
    [InlineData("\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::examplebucket/*\"", "Missing required field Effect")]
    [InlineData("\"Effect\":\"Allows\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::examplebucket/*\"", "Invalid effect: Allows")]
    [InlineData("\"Effect\":\"Allow\",\"Principal\":\"*\",\"Resource\":\"arn:aws:s3:::examplebucket/*\"", "Missing required field Action")]
    [InlineData("\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\"", "Missing required field Resource")]
    [InlineData("\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::otherbucket/*\"", "Policy has invalid resource")]
    [InlineData("\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"", "Policy has invalid resource")]
    [InlineData("\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObjekt\",\"Resource\":\"arn:aws:s3:::examplebucket/*\"", "Policy has invalid action")]
    [InlineData("\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"iam:CreateUser\",\"Resource\":\"arn:aws:s3:::examplebucket/*\"", "Policy has invalid action")]
    [InlineData("\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"alice\"},\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::examplebucket/*\"", "Invalid principal in policy")]
    [InlineData("\"Effect\":\"Allow\",\"Principal\":\"alice\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::examplebucket/*\"", "Invalid principal in policy")]
    [InlineData("\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::000000000000:user/*\"},\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::examplebucket/*\"", "Invalid principal in policy")]
    [InlineData("\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:PutObject\",\"Resource\":\"arn:aws:s3:::examplebucket\"", "Action does not apply to any resource(s) in statement")]
    [InlineData("\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:ListBucket\",\"Resource\":\"arn:aws:s3:::examplebucket/*\"", "Action does not apply to any resource(s) in statement")]
    [InlineData("\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:ListAllMyBuckets\",\"Resource\":\"arn:aws:s3:::examplebucket\"", "Action does not apply to any resource(s) in statement")]
    [InlineData("\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::examplebucket/*\",\"Condition\":{\"StringEqualz\":{\"aws:Referer\":\"x\"}}", "Invalid Condition type : StringEqualz")]
    [InlineData("\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::examplebucket/*\",\"Condition\":{\"StringEquals\":{\"s3:x-acl\":\"private\"}}", "Policy has an invalid condition key")]
    [InlineData("\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::examplebucket/*\",\"Condition\":{\"IpAddress\":{\"aws:SourceIp\":\"10.0.0.300/8\"}}", "Invalid IP address in Conditions")]
    public void Refuses_invalid_statements_with_S3s_messages(string body, string message) =>
        Assert.Equal(message, RefusedAsBucketPolicy(Statement(body)).Message);

    [Fact]
    public void Refuses_a_bucket_policy_over_20_KB()
    {
        var padding = new string('x', PolicyParser.MaxBucketPolicyBytes);
        var error = RefusedAsBucketPolicy(Statement($"\"Sid\":\"{padding}\",\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::examplebucket/*\""));
        Assert.Equal("MalformedPolicy", error.Code);
    }

    [Fact]
    public void Accepts_every_principal_form_AWS_documents()
    {
        var policy = PolicyParser.Parse(Statement("""
            "Effect":"Allow","Action":"s3:*","Resource":["arn:aws:s3:::examplebucket","arn:aws:s3:::examplebucket/*"],
            "Principal":{"AWS":["*","000000000000","arn:aws:iam::000000000000:root","arn:aws:iam::000000000000:user/alice",
              "arn:aws:iam::000000000000:role/reader","arn:aws:sts::000000000000:assumed-role/reader/s1"],
              "CanonicalUser":"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be",
              "Service":"logging.s3.amazonaws.com","Federated":"cognito-identity.amazonaws.com"}
            """), PolicyKind.Bucket, Bucket);
        var principal = policy.Statements[0].Principal!;
        Assert.True(principal.Everyone);
        Assert.Equal(5, principal.Aws.Count);
    }

    [Theory]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]}""", "Policy document should not specify a principal.")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"GetObject","Resource":"*"}]}""", "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"bucket"}]}""", "Resource bucket must be in ARN format or \"*\".")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject"}]}""", "Policy statement must contain resources.")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Sid":"a b","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}""", "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Sid":"a","Effect":"Allow","Action":"s3:GetObject","Resource":"*"},{"Sid":"a","Effect":"Deny","Action":"s3:GetObject","Resource":"*"}]}""", "Statement IDs (SID) in a single policy must be unique.")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*",}]}""", "Syntax errors in policy.")]
    public void Refuses_invalid_identity_policies_with_IAMs_messages(string json, string message)
    {
        var error = Assert.Throws<MalformedPolicyException>(() => PolicyParser.Parse(json, PolicyKind.Identity));
        Assert.Equal("MalformedPolicyDocument", error.Code);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Accepts_IAMs_documented_home_folder_policy()
    {
        var policy = PolicyParser.Parse("""
            {"Version":"2012-10-17","Statement":[
              {"Sid":"ListHome","Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::amzn-s3-demo-bucket",
               "Condition":{"StringLike":{"s3:prefix":["","home/","home/${aws:username}/*"]}}},
              {"Sid":"OwnHome","Effect":"Allow","Action":"s3:*","Resource":["arn:aws:s3:::amzn-s3-demo-bucket/home/${aws:username}","arn:aws:s3:::amzn-s3-demo-bucket/home/${aws:username}/*"]}]}
            """, PolicyKind.Identity);
        Assert.Equal(2, policy.Statements.Count);
        Assert.True(policy.SupportsVariables);
    }

    // The parser's contract: whatever arrives, it returns a policy or throws MalformedPolicyException, nothing else.
    private static readonly Gen<string> Fragments = Gen.OneOf<string>(
        "{", "}", "[", "]", ":", ",", "\"Version\"", "\"2012-10-17\"", "\"2008-10-17\"", "\"Statement\"", "\"Sid\"",
        "\"Effect\"", "\"Allow\"", "\"Deny\"", "\"Principal\"", "\"NotPrincipal\"", "\"AWS\"", "\"CanonicalUser\"",
        "\"*\"", "\"Action\"", "\"NotAction\"", "\"s3:GetObject\"", "\"s3:*\"", "\"Resource\"", "\"NotResource\"",
        "\"arn:aws:s3:::examplebucket/*\"", "\"arn:aws:s3:::examplebucket\"", "\"Condition\"", "\"StringLike\"",
        "\"ForAllValues:StringNotEqualsIfExists\"", "\"Null\"", "\"IpAddress\"", "\"aws:SourceIp\"", "\"::1/128\"",
        "\"s3:prefix\"", "\"${aws:username}\"", "1", "-1e400", "true", "null", "\"\\u0000\"", "\"\uE000\"", "\"\\ud800\"", " ");

    private static readonly Gen<string> Documents = Fragments.Array[0, 40].Select(string.Concat);

    private static void ParsesOrRefuses(string json, PolicyKind kind)
    {
        try
        {
            PolicyParser.Parse(json, kind, Bucket);
        }
        catch (MalformedPolicyException)
        {
        }
    }

    [Theory]
    [InlineData("{\"Id\":\"\\ud800\",\"Statement\":[]}")]
    [InlineData("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"\\udc00x\",\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::examplebucket/\\ud800\"}]}")]
    public void Escaped_lone_surrogates_are_malformed_not_a_crash(string json)
    {
        ParsesOrRefuses(json, PolicyKind.Bucket);
        ParsesOrRefuses(json, PolicyKind.Identity);
    }

    [Fact]
    public void Never_throws_anything_but_MalformedPolicy_on_token_soup() =>
        Gen.Select(Documents, Gen.Bool).Sample((json, identity) => ParsesOrRefuses(json, identity ? PolicyKind.Identity : PolicyKind.Bucket), iter: 20_000);

    [Fact]
    public void Never_throws_anything_but_MalformedPolicy_on_arbitrary_text() =>
        Gen.Select(Gen.String, Gen.Bool).Sample((json, identity) => ParsesOrRefuses(json, identity ? PolicyKind.Identity : PolicyKind.Bucket), iter: 5_000);

    private static readonly Gen<string> Values = Gen.OneOf<string>(
        "\"*\"", "\"s3:GetObject\"", "\"s3:List*\"", "[]", "[\"a\",1]", "{}", "{\"AWS\":[]}", "{\"AWS\":\"000000000000\"}",
        "\"arn:aws:s3:::examplebucket/*\"", "\"arn:aws:s3:::examplebucket\"", "{\"StringLike\":{\"s3:prefix\":[\"a\",true]}}",
        "{\"Null\":{\"aws:username\":\"maybe\"}}", "{\"Bogus\":{}}", "{\"IpAddress\":{\"aws:SourceIp\":[\"10.0.0.0/33\"]}}",
        "\"Allow\"", "\"Deny\"", "null", "0", "\"\"");

    private static readonly Gen<string> Elements = Gen.Select(
        Gen.OneOf<string>("Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition", "Other"),
        Values).Select((name, value) => $"\"{name}\":{value}");

    private static readonly Gen<string> StructuredDocuments =
        Elements.Array[0, 8].Select(e => "{" + string.Join(",", e) + "}").Array[0, 3]
            .Select(statements => $"{{\"Version\":\"2012-10-17\",\"Statement\":[{string.Join(",", statements)}]}}");

    [Fact]
    public void Never_throws_anything_but_MalformedPolicy_on_plausible_statements() =>
        Gen.Select(StructuredDocuments, Gen.Bool).Sample((json, identity) => ParsesOrRefuses(json, identity ? PolicyKind.Identity : PolicyKind.Bucket), iter: 20_000);
}
