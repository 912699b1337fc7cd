namespace Cairn.Policies;

public enum Effect
{
    Allow,
    Deny,
}

/// <summary>A parsed, validated policy: IAM's grammar with every element normalised to lists.</summary>
public sealed record PolicyDocument(string? Version, string? Id, IReadOnlyList<PolicyStatement> Statements)
{
    /// <summary>The version that introduced policy variables; under 2008-10-17 <c>${…}</c> is literal text.</summary>
    public const string CurrentVersion = "2012-10-17";

    public const string LegacyVersion = "2008-10-17";

    public bool SupportsVariables => Version == CurrentVersion;

    /// <summary>
    /// Whether a condition reads s3:ExistingObjectTag/…: only then does evaluating this policy need the object's tags,
    /// which cost a read of the object.
    /// </summary>
    public bool ReadsExistingObjectTags { get; } = Statements.Any(s => s.Conditions.Any(c => c.Key.StartsWith(ExistingObjectTagPrefix, StringComparison.OrdinalIgnoreCase)));

    public const string ExistingObjectTagPrefix = "s3:ExistingObjectTag/";
}

/// <summary>
/// One statement. <see cref="Principal"/> is null in identity policies (the principal is whoever the policy is
/// attached to). The Not… flags invert their element, as NotPrincipal / NotAction / NotResource do.
/// </summary>
public sealed record PolicyStatement(
    string? Sid,
    Effect Effect,
    PrincipalSet? Principal,
    bool NotPrincipal,
    IReadOnlyList<string> Actions,
    bool NotAction,
    IReadOnlyList<string> Resources,
    bool NotResource,
    IReadOnlyList<PolicyCondition> Conditions);

/// <summary>
/// The principals a resource-policy statement names: <c>"*"</c> (everyone, anonymous included) or, per type, the
/// values of "AWS" (account ids and IAM ARNs), "CanonicalUser", "Service" and "Federated".
/// </summary>
public sealed record PrincipalSet(
    bool Everyone,
    IReadOnlyList<string> Aws,
    IReadOnlyList<string> CanonicalUsers,
    IReadOnlyList<string> Services,
    IReadOnlyList<string> Federated);

/// <summary>One key of a Condition block under one operator: true when the request's values satisfy it.</summary>
public sealed record PolicyCondition(ConditionOperator Operator, string Key, IReadOnlyList<string> Values);
