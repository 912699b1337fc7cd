using System.Text.Json;
using Cairn.Index.Identities;

namespace Cairn.FrontDoor.Identity;

/// <summary>
/// The checks IAM makes of a policy document before it stores it (MalformedPolicyDocument): JSON, an object with a
/// Statement (one or a list), each statement with an Effect of Allow or Deny, an Action or NotAction, and — for a
/// permission policy — a Resource or NotResource and no Principal, or — for a trust policy — a Principal.
/// </summary>
public static class PolicyGrammar
{
    public enum Kind
    {
        Permissions,
        Trust,
    }

    public static void Require(string document, Kind kind)
    {
        JsonDocument parsed;
        try
        {
            parsed = JsonDocument.Parse(document, new JsonDocumentOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow });
        }
        catch (JsonException)
        {
            throw IamErrors.MalformedPolicyDocument("Syntax errors in policy.");
        }
        using (parsed)
        {
            var root = parsed.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw IamErrors.MalformedPolicyDocument("Syntax errors in policy.");
            if (root.TryGetProperty("Version", out var version) && version.GetString() is not ("2012-10-17" or "2008-10-17"))
                throw IamErrors.MalformedPolicyDocument("The policy must contain a valid version string");
            if (!root.TryGetProperty("Statement", out var statements)) throw IamErrors.MalformedPolicyDocument("Syntax errors in policy.");
            var list = statements.ValueKind switch
            {
                JsonValueKind.Array => statements.EnumerateArray().ToList(),
                JsonValueKind.Object => [statements],
                _ => throw IamErrors.MalformedPolicyDocument("Syntax errors in policy."),
            };
            foreach (var statement in list) RequireStatement(statement, kind);
        }
    }

    private static void RequireStatement(JsonElement statement, Kind kind)
    {
        if (statement.ValueKind != JsonValueKind.Object) throw IamErrors.MalformedPolicyDocument("Syntax errors in policy.");
        if (!statement.TryGetProperty("Effect", out var effect) || effect.ValueKind != JsonValueKind.String || effect.GetString() is not ("Allow" or "Deny"))
            throw IamErrors.MalformedPolicyDocument("Policy statement must contain a valid Effect.");
        if (!Has(statement, "Action") && !Has(statement, "NotAction")) throw IamErrors.MalformedPolicyDocument("Policy statement must contain actions.");
        if (kind == Kind.Permissions)
        {
            if (Has(statement, "Principal") || Has(statement, "NotPrincipal")) throw IamErrors.MalformedPolicyDocument("Policy document should not specify a principal.");
            if (!Has(statement, "Resource") && !Has(statement, "NotResource")) throw IamErrors.MalformedPolicyDocument("Policy statement must contain resources.");
        }
        else
        {
            if (!Has(statement, "Principal") && !Has(statement, "NotPrincipal")) throw IamErrors.MalformedPolicyDocument("AssumeRolepolicy contained an invalid principal: Missing Principal.");
            if (Has(statement, "Resource") || Has(statement, "NotResource")) throw IamErrors.MalformedPolicyDocument("Has prohibited field Resource");
        }
    }

    private static bool Has(JsonElement statement, string name) => statement.TryGetProperty(name, out _);
}
