using System.Text;
using System.Text.Json;

namespace Cairn.Policies;

/// <summary>
/// Reads a policy document in IAM's JSON grammar and validates it as the service that stores it does: S3 for a bucket
/// policy (answers 400 MalformedPolicy), IAM for an identity policy (400 MalformedPolicyDocument). Any input either
/// parses or throws <see cref="MalformedPolicyException"/>; nothing else escapes.
/// </summary>
public static class PolicyParser
{
    /// <summary>S3's limit on a bucket policy's size.</summary>
    public const int MaxBucketPolicyBytes = 20 * 1024;

    private static readonly JsonDocumentOptions JsonOptions = new() { MaxDepth = 16 };

    /// <param name="json">The document as sent.</param>
    /// <param name="kind">Which service's rules apply.</param>
    /// <param name="bucket">For a bucket policy: the bucket it is attached to (every resource must lie in it).</param>
    public static PolicyDocument Parse(string json, PolicyKind kind, string? bucket = null)
    {
        var rules = PolicyRules.For(kind, bucket);
        if (kind == PolicyKind.Bucket && Encoding.UTF8.GetByteCount(json) > MaxBucketPolicyBytes)
            throw rules.Error("Policy exceeds the maximum allowed document size.");
        if (json.Contains(Wildcard.Escape))
            throw rules.Error(rules.InvalidJson);
        var trimmed = json.AsSpan().TrimStart();
        if (trimmed.IsEmpty || trimmed[0] != '{')
            throw rules.Error(rules.NotAnObject);

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, JsonOptions);
        }
        catch (JsonException)
        {
            throw rules.Error(rules.InvalidJson);
        }

        using (document)
        {
            try
            {
                return ReadDocument(document.RootElement, rules);
            }
            catch (InvalidOperationException)
            {
                // JsonDocument checks escaped surrogates ("\ud800") only when a string is read.
                throw rules.Error(rules.InvalidJson);
            }
        }
    }

    private static PolicyDocument ReadDocument(JsonElement root, PolicyRules rules)
    {
        string? version = null, id = null;
        JsonElement? statements = null;
        foreach (var property in root.EnumerateObject())
        {
            switch (property.Name)
            {
                case "Version":
                    version = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : "";
                    if (version is not (PolicyDocument.CurrentVersion or PolicyDocument.LegacyVersion))
                        throw rules.Error("The policy must contain a valid version string");
                    break;
                case "Id":
                    id = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : throw rules.Error(rules.InvalidJson);
                    break;
                case "Statement":
                    statements = property.Value;
                    break;
                default:
                    throw rules.UnknownField(property.Name);
            }
        }

        if (statements is not { } list)
            throw rules.MissingField("Statement");
        var parsed = list.ValueKind switch
        {
            JsonValueKind.Object => [ReadStatement(list, rules)],
            JsonValueKind.Array => list.EnumerateArray().Select(s => s.ValueKind == JsonValueKind.Object
                ? ReadStatement(s, rules)
                : throw rules.Error(rules.InvalidJson)).ToList(),
            _ => throw rules.Error(rules.InvalidJson),
        };
        if (parsed.Count == 0)
            throw rules.Error(rules.EmptyStatement);
        rules.CheckSids(parsed);
        return new PolicyDocument(version, id, parsed);
    }

    private static PolicyStatement ReadStatement(JsonElement element, PolicyRules rules)
    {
        string? sid = null;
        Effect? effect = null;
        PrincipalSet? principal = null;
        bool notPrincipal = false, notAction = false, notResource = false;
        IReadOnlyList<string>? actions = null, resources = null;
        IReadOnlyList<PolicyCondition> conditions = [];
        foreach (var property in element.EnumerateObject())
        {
            var value = property.Value;
            switch (property.Name)
            {
                case "Sid":
                    sid = value.ValueKind == JsonValueKind.String ? value.GetString() : throw rules.Error(rules.InvalidJson);
                    break;
                case "Effect":
                    effect = value.ValueKind == JsonValueKind.String ? value.GetString() switch
                    {
                        "Allow" => Effect.Allow,
                        "Deny" => Effect.Deny,
                        var other => throw rules.InvalidEffect(other),
                    } : throw rules.InvalidEffect(value.GetRawText());
                    break;
                case "Principal" or "NotPrincipal":
                    if (principal is not null)
                        throw rules.Error(rules.InvalidJson);
                    principal = rules.ReadPrincipal(value);
                    notPrincipal = property.Name == "NotPrincipal";
                    break;
                case "Action" or "NotAction":
                    if (actions is not null)
                        throw rules.Error(rules.InvalidJson);
                    actions = StringOrList(value, rules, rules.InvalidAction);
                    notAction = property.Name == "NotAction";
                    break;
                case "Resource" or "NotResource":
                    if (resources is not null)
                        throw rules.Error(rules.InvalidJson);
                    resources = StringOrList(value, rules, rules.InvalidResource);
                    notResource = property.Name == "NotResource";
                    break;
                case "Condition":
                    conditions = ReadConditions(value, rules);
                    break;
                default:
                    throw rules.UnknownField(property.Name);
            }
        }

        if (effect is null)
            throw rules.MissingField("Effect");
        if (actions is null)
            throw rules.MissingField("Action");
        // Only resources the document names are checked: a trust policy names none and applies to its role.
        var named = resources ?? [];
        resources ??= rules.ImplicitResources ?? throw rules.MissingField("Resource");
        rules.CheckPrincipalPresence(principal);
        foreach (var action in actions)
            rules.CheckAction(action);
        foreach (var resource in named)
            rules.CheckResource(resource);
        var statement = new PolicyStatement(sid, effect.Value, principal, notPrincipal, actions, notAction,
            resources, notResource, conditions);
        rules.CheckApplicability(statement);
        return statement;
    }

    private static List<PolicyCondition> ReadConditions(JsonElement block, PolicyRules rules)
    {
        if (block.ValueKind != JsonValueKind.Object)
            throw rules.Error(rules.InvalidJson);
        var conditions = new List<PolicyCondition>();
        foreach (var byOperator in block.EnumerateObject())
        {
            var op = ConditionOperator.Parse(byOperator.Name) ?? throw rules.InvalidConditionType(byOperator.Name);
            if (byOperator.Value.ValueKind != JsonValueKind.Object)
                throw rules.Error(rules.InvalidJson);
            foreach (var byKey in byOperator.Value.EnumerateObject())
            {
                rules.CheckConditionKey(byKey.Name);
                var values = ConditionValues(byKey.Value, rules);
                rules.CheckConditionValues(op, byKey.Name, values);
                conditions.Add(new PolicyCondition(op, byKey.Name, values));
            }
        }

        return conditions;
    }

    // Condition values may be strings, numbers or booleans, alone or in an array; IAM compares them as text.
    private static List<string> ConditionValues(JsonElement value, PolicyRules rules)
    {
        if (value.ValueKind != JsonValueKind.Array)
            return [Scalar(value, rules)];
        var values = new List<string>();
        foreach (var item in value.EnumerateArray())
            values.Add(Scalar(item, rules));
        return values;
    }

    private static string Scalar(JsonElement value, PolicyRules rules) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => throw rules.Error(rules.InvalidJson),
    };

    internal static List<string> StringOrList(JsonElement value, PolicyRules rules, string emptyMessage)
    {
        var list = new List<string>();
        if (value.ValueKind == JsonValueKind.String)
        {
            list.Add(value.GetString()!);
        }
        else if (value.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in value.EnumerateArray())
                list.Add(item.ValueKind == JsonValueKind.String ? item.GetString()! : throw rules.Error(rules.InvalidJson));
        }
        else
        {
            throw rules.Error(rules.InvalidJson);
        }

        if (list.Count == 0)
            throw rules.Error(emptyMessage);
        return list;
    }
}
