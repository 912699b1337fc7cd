namespace Cairn.Policies;

/// <summary>
/// S3's "meaning of public" for a bucket policy: public when an Allow statement grants to everyone (Principal "*",
/// or NotPrincipal) without a condition that pins the caller to fixed values: aws:SourceIp CIDR ranges, or a fixed
/// aws:SourceArn, aws:SourceVpc, aws:SourceVpce, aws:SourceOwner, aws:SourceAccount, aws:PrincipalOrgID,
/// aws:PrincipalAccount, aws:PrincipalArn, s3:x-amz-server-side-encryption-aws-kms-key-id, or aws:userid. A fixed
/// value has no wildcard and no policy variable, under a positive operator.
/// </summary>
public static class PolicyPublicity
{
    private static readonly HashSet<string> FixingKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        "aws:SourceArn", "aws:SourceVpc", "aws:SourceVpce", "aws:SourceOwner", "aws:SourceAccount",
        "aws:PrincipalOrgID", "aws:PrincipalAccount", "aws:PrincipalArn", "aws:userid",
        "s3:x-amz-server-side-encryption-aws-kms-key-id", "s3:DataAccessPointArn", "s3:DataAccessPointAccount",
    };

    public static bool IsPublic(PolicyDocument policy) => policy.Statements.Any(IsPublic);

    public static bool IsPublic(PolicyStatement statement) =>
        statement.Effect == Effect.Allow
        && (statement.NotPrincipal || statement.Principal is { Everyone: true })
        && !statement.Conditions.Any(PinsCaller);

    private static bool PinsCaller(PolicyCondition condition)
    {
        var op = condition.Operator;
        if (op.Negated || op.IfExists || op.Qualifier == SetQualifier.ForAllValues)
            return false;
        if (condition.Key.Equals("aws:SourceIp", StringComparison.OrdinalIgnoreCase))
            return op.Comparison == Comparison.IpAddress && condition.Values.All(IsNarrowRange);
        if (!FixingKeys.Contains(condition.Key))
            return false;
        if (op.Comparison is not (Comparison.StringEquals or Comparison.StringEqualsIgnoreCase or Comparison.StringLike or Comparison.ArnLike))
            return false;
        if (condition.Key.Equals("aws:userid", StringComparison.OrdinalIgnoreCase) && condition.Values.Any(v => v.EndsWith(":*", StringComparison.Ordinal)))
            return false;
        return condition.Values.All(v => !Wildcard.HasWildcard(v) && !v.Contains("${", StringComparison.Ordinal));
    }

    // A range that spans a large part of the address space (0.0.0.0/0, ::/0, …) pins nobody. S3 does not publish
    // its threshold; anything wider than a /8 (IPv4) or /32 (IPv6) counts as open here.
    private static bool IsNarrowRange(string value) =>
        IpRange.TryParse(value, out var range)
        && range.PrefixLength >= (range.Network.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 8 : 32);
}
