using System.Text.Json;
using System.Text.RegularExpressions;

namespace Cairn.Policies;

/// <summary>
/// What one service accepts and how it words a refusal. S3 (bucket policies) and IAM (identity policies) read the
/// same grammar but differ in what they require, what they forbid and every message.
/// </summary>
internal abstract partial class PolicyRules(PolicyKind kind)
{
    public static PolicyRules For(PolicyKind kind, string? bucket) => kind switch
    {
        PolicyKind.Bucket => new BucketPolicyRules(bucket),
        PolicyKind.Trust => new TrustPolicyRules(),
        _ => new IdentityPolicyRules(),
    };

    /// <summary>What a statement without Resource or NotResource applies to; null where the element is required.</summary>
    public virtual IReadOnlyList<string>? ImplicitResources => null;

    public abstract string InvalidJson { get; }

    public abstract string NotAnObject { get; }

    public abstract string EmptyStatement { get; }

    public abstract string InvalidAction { get; }

    public abstract string InvalidResource { get; }

    public MalformedPolicyException Error(string message) => new(kind, message);

    public abstract MalformedPolicyException UnknownField(string name);

    public abstract MalformedPolicyException MissingField(string name);

    public abstract MalformedPolicyException InvalidEffect(string? effect);

    public abstract MalformedPolicyException InvalidConditionType(string name);

    public abstract PrincipalSet ReadPrincipal(JsonElement value);

    public abstract void CheckPrincipalPresence(PrincipalSet? principal);

    public abstract void CheckAction(string action);

    public abstract void CheckResource(string resource);

    public virtual void CheckApplicability(PolicyStatement statement)
    {
    }

    public virtual void CheckSids(IReadOnlyList<PolicyStatement> statements)
    {
    }

    public abstract void CheckConditionKey(string key);

    public void CheckConditionValues(ConditionOperator op, string key, IReadOnlyList<string> values)
    {
        // Both services refuse an aws:SourceIp that is not an address or CIDR block, whatever the operator.
        if (key.Equals("aws:SourceIp", StringComparison.OrdinalIgnoreCase) && values.Any(v => !IpRange.TryParse(v, out _)))
            throw Error(InvalidIpMessage);
        if (op.Comparison == Comparison.Null && values.Any(v => v is not ("true" or "false")))
            throw Error(InvalidJson);
    }

    protected abstract string InvalidIpMessage { get; }

    /// <summary>How the service refuses a principal it cannot read: <paramref name="type"/> and <paramref name="value"/> name it (empty when the element itself is wrong).</summary>
    protected virtual MalformedPolicyException InvalidPrincipal(string type, string value) => Error("Invalid principal in policy");

    /// <summary>The Principal element as both resource-policy kinds (bucket, trust) read it.</summary>
    protected PrincipalSet ReadPrincipals(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.String)
            return value.GetString() == "*" ? new PrincipalSet(true, [], [], [], []) : throw InvalidPrincipal("", value.GetRawText());
        if (value.ValueKind != JsonValueKind.Object)
            throw InvalidPrincipal("", value.GetRawText());
        IReadOnlyList<string> aws = [], canonical = [], services = [], federated = [];
        foreach (var property in value.EnumerateObject())
        {
            var values = PolicyParser.StringOrList(property.Value, this, InvalidPrincipal(property.Name, "").Message);
            // AWS allows "*" alone; a wildcard inside an ARN is an invalid principal.
            var invalid = property.Name switch
            {
                "AWS" => values.FirstOrDefault(v => v != "*" && (Wildcard.HasWildcard(v) || !AwsPrincipal().IsMatch(v))),
                "CanonicalUser" => values.FirstOrDefault(v => v.Length == 0 || !v.All(char.IsAsciiHexDigit)),
                "Service" or "Federated" => values.FirstOrDefault(string.IsNullOrWhiteSpace),
                _ => values[0],
            };
            if (invalid is not null)
                throw InvalidPrincipal(property.Name, invalid);
            switch (property.Name)
            {
                case "AWS": aws = values; break;
                case "CanonicalUser": canonical = values; break;
                case "Service": services = values; break;
                default: federated = values; break;
            }
        }

        if (aws.Count + canonical.Count + services.Count + federated.Count == 0)
            throw InvalidPrincipal("", value.GetRawText());
        return new PrincipalSet(aws.Contains("*"), aws.Where(v => v != "*").ToList(), canonical, services, federated);
    }

    /// <summary>"service:pattern" with a vendor prefix, or "*".</summary>
    protected static bool IsActionShaped(string action) => action == "*" || ActionShape().IsMatch(action);

    [GeneratedRegex("^[A-Za-z0-9-]+:[A-Za-z0-9*?-]*$")]
    private static partial Regex ActionShape();

    [GeneratedRegex(@"^(\d{12}|arn:aws:iam::(\d{12}|cloudfront):(root|user/.+|role/.+|federated-user/.+)|arn:aws:sts::\d{12}:(assumed-role/.+|federated-user/.+))$")]
    protected static partial Regex AwsPrincipal();
}

/// <summary>S3's PutBucketPolicy rules and messages.</summary>
internal sealed partial class BucketPolicyRules(string? bucket) : PolicyRules(PolicyKind.Bucket)
{
    private const string BucketArnPrefix = "arn:aws:s3:::";

    private static readonly HashSet<string> S3ConditionKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        "s3:AccessGrantsInstanceArn", "s3:AccessPointNetworkOrigin", "s3:authType", "s3:DataAccessPointAccount",
        "s3:DataAccessPointArn", "s3:delimiter", "s3:if-match", "s3:if-none-match", "s3:LocationConstraint",
        "s3:max-keys", "s3:object-lock-legal-hold", "s3:object-lock-mode", "s3:object-lock-remaining-retention-days",
        "s3:object-lock-retain-until-date", "s3:ObjectCreationOperation", "s3:prefix", "s3:RequestObjectTagKeys",
        "s3:ResourceAccount", "s3:signatureAge", "s3:signatureversion", "s3:TlsVersion", "s3:VersionId",
        "s3:x-amz-acl", "s3:x-amz-content-sha256", "s3:x-amz-copy-source", "s3:x-amz-grant-full-control",
        "s3:x-amz-grant-read", "s3:x-amz-grant-read-acp", "s3:x-amz-grant-write", "s3:x-amz-grant-write-acp",
        "s3:x-amz-metadata-directive", "s3:x-amz-object-ownership", "s3:x-amz-server-side-encryption",
        "s3:x-amz-server-side-encryption-aws-kms-key-id", "s3:x-amz-server-side-encryption-customer-algorithm",
        "s3:x-amz-storage-class", "s3:x-amz-website-redirect-location",
    };

    private static readonly string[] S3TagKeyPrefixes = ["s3:ExistingObjectTag/", "s3:RequestObjectTag/", "s3:BucketTag/"];

    public override string InvalidJson => "This policy contains invalid Json";

    public override string NotAnObject => "Policies must be valid JSON and the first byte must be '{'";

    public override string EmptyStatement => "Could not parse the policy: Statement is empty!";

    public override string InvalidAction => "Policy has invalid action";

    public override string InvalidResource => "Policy has invalid resource";

    protected override string InvalidIpMessage => "Invalid IP address in Conditions";

    public override MalformedPolicyException UnknownField(string name) => Error($"Unknown field {name}");

    public override MalformedPolicyException MissingField(string name) => Error($"Missing required field {name}");

    public override MalformedPolicyException InvalidEffect(string? effect) => Error($"Invalid effect: {effect}");

    public override MalformedPolicyException InvalidConditionType(string name) => Error($"Invalid Condition type : {name}");

    public override PrincipalSet ReadPrincipal(JsonElement value) => ReadPrincipals(value);

    public override void CheckPrincipalPresence(PrincipalSet? principal)
    {
        if (principal is null)
            throw MissingField("Principal");
    }

    // S3 knows its actions: a name it does not know, or a pattern that names none of them, is refused.
    public override void CheckAction(string action)
    {
        if (action == "*")
            return;
        if (!action.StartsWith("s3:", StringComparison.OrdinalIgnoreCase) || !IsActionShaped(action))
            throw Error(InvalidAction);
        var known = Wildcard.HasWildcard(action)
            ? S3Actions.All.Any(name => Wildcard.IsMatch(action, name, ignoreCase: true))
            : S3Actions.ScopeOf(action) is not null;
        if (!known)
            throw Error(InvalidAction);
    }

    // Every resource must be this bucket or objects in it.
    public override void CheckResource(string resource)
    {
        if (!resource.StartsWith(BucketArnPrefix, StringComparison.Ordinal) || resource.Length == BucketArnPrefix.Length)
            throw Error(InvalidResource);
        var path = resource.AsSpan(BucketArnPrefix.Length);
        var slash = path.IndexOf('/');
        var bucketPart = slash < 0 ? path : path[..slash];
        if (bucketPart.IsEmpty || (bucket is not null && !Wildcard.IsMatch(bucketPart, bucket)))
            throw Error(InvalidResource);
    }

    public override void CheckApplicability(PolicyStatement statement)
    {
        if (statement.NotAction || statement.NotResource)
            return;
        var objects = statement.Resources.Any(CoversObjects);
        var buckets = statement.Resources.Any(r => !r.AsSpan(BucketArnPrefix.Length).Contains('/'));
        foreach (var action in statement.Actions)
        {
            var scopes = action == "*" || Wildcard.HasWildcard(action)
                ? S3Actions.All.Where(name => Wildcard.IsMatch(action, name, ignoreCase: true)).Select(name => S3Actions.ScopeOf(name)!.Value)
                : [S3Actions.ScopeOf(action)!.Value];
            if (!scopes.Any(scope => scope == S3ResourceScope.Object ? objects : scope == S3ResourceScope.Bucket && buckets))
                throw Error("Action does not apply to any resource(s) in statement");
        }
    }

    // "bucket/…" names objects; so does a bucket pattern ending in '*', which also spans the '/'.
    private static bool CoversObjects(string resource) =>
        resource.AsSpan(BucketArnPrefix.Length).Contains('/') || resource.EndsWith('*');

    public override void CheckConditionKey(string key)
    {
        // S3 accepts any global key (aws:…) and only the S3 keys it defines.
        if (key.StartsWith("aws:", StringComparison.OrdinalIgnoreCase) && key.Length > 4)
            return;
        if (S3ConditionKeys.Contains(key))
            return;
        if (S3TagKeyPrefixes.Any(p => key.Length > p.Length && key.StartsWith(p, StringComparison.OrdinalIgnoreCase)))
            return;
        throw Error("Policy has an invalid condition key");
    }
}

/// <summary>IAM's rules and messages for identity policies (users, groups, roles, sessions).</summary>
internal partial class IdentityPolicyRules(PolicyKind kind = PolicyKind.Identity) : PolicyRules(kind)
{
    private const string Syntax = "Syntax errors in policy.";

    public override string InvalidJson => Syntax;

    public override string NotAnObject => Syntax;

    public override string EmptyStatement => Syntax;

    public override string InvalidAction => Syntax;

    public override string InvalidResource => Syntax;

    protected override string InvalidIpMessage => Syntax;

    public override MalformedPolicyException UnknownField(string name) => Error(Syntax);

    public override MalformedPolicyException MissingField(string name) => name switch
    {
        "Action" => Error("Policy statement must contain actions."),
        "Resource" => Error("Policy statement must contain resources."),
        _ => Error($"Missing required field {name}"),
    };

    public override MalformedPolicyException InvalidEffect(string? effect) => Error(Syntax);

    public override MalformedPolicyException InvalidConditionType(string name) => Error(Syntax);

    public override PrincipalSet ReadPrincipal(JsonElement value) =>
        throw Error("Policy document should not specify a principal.");

    public override void CheckPrincipalPresence(PrincipalSet? principal)
    {
    }

    // IAM accepts action names it does not know (the console only warns), but not a missing vendor prefix.
    public override void CheckAction(string action)
    {
        if (!IsActionShaped(action))
            throw Error("Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.");
    }

    public override void CheckResource(string resource)
    {
        if (resource != "*" && !(resource.StartsWith("arn:", StringComparison.Ordinal) && resource.Split(':').Length >= 6))
            throw Error($"Resource {resource} must be in ARN format or \"*\".");
    }

    public override void CheckSids(IReadOnlyList<PolicyStatement> statements)
    {
        foreach (var statement in statements)
        {
            if (statement.Sid is { } sid && !SidShape().IsMatch(sid))
                throw Error("Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*");
        }

        var sids = statements.Where(s => !string.IsNullOrEmpty(s.Sid)).Select(s => s.Sid).ToList();
        if (sids.Count != sids.Distinct(StringComparer.Ordinal).Count())
            throw Error("Statement IDs (SID) in a single policy must be unique.");
    }

    public override void CheckConditionKey(string key)
    {
        if (!key.Contains(':'))
            throw Error("Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.");
    }

    [GeneratedRegex("^[0-9A-Za-z]*$")]
    private static partial Regex SidShape();
}

/// <summary>
/// IAM's rules for a role's trust policy (CreateRole, UpdateAssumeRolePolicy): IAM's grammar and messages, a Principal
/// in every statement, only STS's assume actions, and no Resource (the role itself is the resource).
/// </summary>
internal sealed class TrustPolicyRules() : IdentityPolicyRules(PolicyKind.Trust)
{
    private static readonly string[] AssumeActions =
    [
        "sts:AssumeRole", "sts:AssumeRoleWithSAML", "sts:AssumeRoleWithWebIdentity", "sts:TagSession", "sts:SetSourceIdentity", "sts:SetContext",
    ];

    public override IReadOnlyList<string>? ImplicitResources => ["*"];

    protected override MalformedPolicyException InvalidPrincipal(string type, string value) =>
        Error(type.Length == 0 ? "Invalid principal in policy" : $"Invalid principal in policy: \"{type}\":\"{value}\"");

    public override PrincipalSet ReadPrincipal(JsonElement value) => ReadPrincipals(value);

    public override void CheckPrincipalPresence(PrincipalSet? principal)
    {
        if (principal is null)
            throw Error("AssumeRolepolicy contained an invalid principal: Missing Principal.");
    }

    public override void CheckAction(string action)
    {
        base.CheckAction(action);
        if (!AssumeActions.Any(name => Wildcard.IsMatch(action, name, ignoreCase: true)))
            throw Error("AssumeRole policy may only specify STS AssumeRole actions.");
    }

    public override void CheckResource(string resource) => throw Error("Has prohibited field Resource");
}
