using System.Text.Json;
using System.Text.RegularExpressions;

namespace Cairn.FrontDoor.Identity;

/// <summary>
/// Whether a role's trust policy lets a principal assume it, read the way IAM reads a resource policy: an explicit Deny
/// wins, else an Allow of sts:AssumeRole whose Principal is <c>*</c> or names the caller's ARN. Until identity policies are
/// evaluated, a trust policy that names only the account (its root ARN or id) — which delegates the decision to the
/// caller's own policies — grants nothing, and a statement with a Condition is not taken as an Allow (but is as a Deny).
/// </summary>
public static class TrustPolicy
{
    public static bool Allows(string document, string callerArn)
    {
        using var parsed = JsonDocument.Parse(document);
        var statements = parsed.RootElement.GetProperty("Statement");
        var list = statements.ValueKind == JsonValueKind.Array ? statements.EnumerateArray().ToList() : [statements];
        var allowed = false;
        foreach (var s in list)
        {
            if (!Strings(s, "Action").Any(a => Matches(a, "sts:AssumeRole")) || !NamesCaller(s, callerArn)) continue;
            if (s.GetProperty("Effect").GetString() == "Deny") return false;
            if (!s.TryGetProperty("Condition", out _)) allowed = true;
        }
        return allowed;
    }

    private static bool NamesCaller(JsonElement statement, string callerArn)
    {
        if (!statement.TryGetProperty("Principal", out var principal)) return false;
        if (principal.ValueKind == JsonValueKind.String) return principal.GetString() == "*";
        return Strings(principal, "AWS").Any(p => p == "*" || p == callerArn);
    }

    private static IEnumerable<string> Strings(JsonElement parent, string name) =>
        !parent.TryGetProperty(name, out var value) ? []
        : value.ValueKind == JsonValueKind.String ? [value.GetString()!]
        : value.ValueKind == JsonValueKind.Array ? value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!)
        : [];

    /// <summary>IAM's action match: case-insensitive, with * and ? wildcards.</summary>
    private static bool Matches(string pattern, string action) =>
        Regex.IsMatch(action, "^" + Regex.Escape(pattern).Replace("\\*", ".*").Replace("\\?", ".") + "$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
}
