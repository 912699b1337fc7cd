using System.Text;
using Cairn.Core.Errors;
using Cairn.Fuzz.Tests.Engine;
using Cairn.Policies;

namespace Cairn.Fuzz.Tests.Targets;

/// <summary>
/// A policy document: parsed under S3's rules (bucket policy) or IAM's (identity policy, inputs of odd length), then,
/// when it parses, judged public or not and evaluated against requests that carry the condition keys S3 supplies.
/// Parsing may refuse (MalformedPolicy, a 400); publicity and evaluation of a stored policy must never throw.
/// </summary>
public sealed class BucketPolicyTarget : FuzzTarget
{
    private static readonly S3ErrorCode MalformedPolicy = new("MalformedPolicy", 400, "Policies must be valid JSON.");
    private static readonly RequestPrincipal User = new(RequestPrincipalType.User, "arn:aws:iam::000000000000:user/alice", "c0ffee")
    {
        Account = "000000000000", UserName = "alice", UserId = "AIDAEXAMPLE",
    };

    public override string Name => "bucket-policy";

    private static readonly string[] Members =
    [
        "Version", "Id", "Statement", "Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource",
        "Condition", "AWS", "CanonicalUser", "Service", "Federated", "StringEquals", "StringLike", "StringNotEquals", "IpAddress",
        "NotIpAddress", "DateGreaterThan", "NumericLessThan", "Bool", "Null", "ArnLike", "ForAnyValue:StringLike",
        "ForAllValues:StringEquals", "StringEqualsIfExists", "aws:SourceIp", "aws:CurrentTime", "s3:prefix", "s3:max-keys",
        "aws:SecureTransport", "aws:username", "s3:ExistingObjectTag/team", "aws:EpochTime",
    ];

    protected override IEnumerable<string> Words => [.. Members.Select(m => $"\"{m}\""), "{", "}", "[", "]", ",", ":", "\"*\"", "\\u0000", "${", "}"];

    public override byte[]? MutateStructure(byte[] seed, Random random) => JsonStructureMutator.Mutate(seed, random, Members);

    public override Task RunAsync(byte[] input)
    {
        var json = Encoding.UTF8.GetString(input);
        var kind = input.Length % 2 == 0 ? PolicyKind.Bucket : PolicyKind.Identity;
        PolicyDocument policy;
        try
        {
            policy = PolicyParser.Parse(json, kind, kind == PolicyKind.Bucket ? "bucket" : null);
        }
        catch (MalformedPolicyException e)
        {
            // The front door answers this exception with 400 MalformedPolicy / MalformedPolicyDocument.
            throw new S3Exception(MalformedPolicy, e.Message);
        }

        PolicyPublicity.IsPublic(policy);
        foreach (var request in Requests())
        {
            PolicyEvaluator.Evaluate(request, policy, isResourcePolicy: kind == PolicyKind.Bucket);
            PolicyEvaluator.Evaluate(request, kind == PolicyKind.Identity ? [policy] : [], kind == PolicyKind.Bucket ? policy : null);
        }
        return Task.CompletedTask;
    }

    private static IEnumerable<RequestContext> Requests() =>
    [
        new RequestContext("s3:GetObject", "arn:aws:s3:::bucket/docs/readme.txt", User)
            .With("aws:SourceIp", "192.0.2.10").With("aws:CurrentTime", "2026-11-30T10:00:00Z").With("aws:EpochTime", "1795945200")
            .With("aws:SecureTransport", "false").With("s3:ExistingObjectTag/team", "storage"),
        new RequestContext("s3:ListBucket", "arn:aws:s3:::bucket", RequestPrincipal.Anonymous("65a011a29cdf8ec533ec3d1ccaae921c"))
            .With("aws:SourceIp", "2001:db8::1").With("s3:prefix", "docs/", "").With("s3:max-keys", "1000").With("s3:delimiter", "/"),
    ];
}
