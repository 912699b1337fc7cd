namespace Cairn.Policies;

/// <summary>aws:PrincipalType's values.</summary>
public enum RequestPrincipalType
{
    Anonymous,

    /// <summary>The account's root user.</summary>
    Account,

    User,
    AssumedRole,

    /// <summary>An AWS service acting on its own (e.g. S3's log delivery, logging.s3.amazonaws.com): named by "Service" principals.</summary>
    Service,
}

/// <summary>
/// Who asks, as policies see it. <see cref="RoleArn"/> is the role behind an assumed-role session (a statement
/// naming the role matches its sessions; aws:PrincipalArn is the role's ARN).
/// </summary>
public sealed record RequestPrincipal(RequestPrincipalType Type, string Arn, string CanonicalId)
{
    /// <summary>The account the principal belongs to; null for anonymous.</summary>
    public string? Account { get; init; }

    /// <summary>aws:username (IAM users only).</summary>
    public string? UserName { get; init; }

    /// <summary>aws:userid: the user's unique id, "ROLEID:session" for sessions, the account id for root.</summary>
    public string? UserId { get; init; }

    public string? RoleArn { get; init; }

    public static RequestPrincipal Anonymous(string canonicalId) =>
        new(RequestPrincipalType.Anonymous, "*", canonicalId) { UserId = "anonymous" };
}

/// <summary>
/// The request as a policy evaluates it: the action (e.g. <c>s3:GetObject</c>), the resource ARN, the principal and
/// the condition keys the request supplies (names case-insensitive, as IAM treats them; values as sent).
/// Keys that describe the principal (aws:username, aws:userid, aws:PrincipalArn, aws:PrincipalType,
/// aws:PrincipalAccount) come from <see cref="Principal"/> and need not be added.
/// </summary>
public sealed class RequestContext
{
    private readonly Dictionary<string, IReadOnlyList<string>> _keys = new(StringComparer.OrdinalIgnoreCase);

    public RequestContext(string action, string resource, RequestPrincipal principal)
    {
        Action = action;
        Resource = resource;
        Principal = principal;
    }

    public string Action { get; }

    public string Resource { get; }

    public RequestPrincipal Principal { get; }

    /// <summary>Adds (or replaces) a key's values; a null or empty value list leaves the key absent.</summary>
    public RequestContext With(string key, params IReadOnlyList<string>? values)
    {
        if (values is { Count: > 0 })
            _keys[key] = values;
        else
            _keys.Remove(key);
        return this;
    }

    /// <summary>A key's values, or null when the request does not supply it (what Null and …IfExists test).</summary>
    public IReadOnlyList<string>? Values(string key)
    {
        if (_keys.TryGetValue(key, out var values))
            return values;
        var single = PrincipalKey(key);
        return single is null ? null : [single];
    }

    private string? PrincipalKey(string key) => key.ToLowerInvariant() switch
    {
        "aws:username" => Principal.UserName,
        "aws:userid" => Principal.UserId,
        "aws:principaltype" => Principal.Type.ToString(),
        "aws:principalaccount" => Principal.Account,
        "aws:principalarn" => Principal.Type is RequestPrincipalType.Anonymous or RequestPrincipalType.Service ? null : Principal.RoleArn ?? Principal.Arn,
        _ => null,
    };
}
