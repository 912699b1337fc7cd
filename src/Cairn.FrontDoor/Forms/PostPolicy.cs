using System.Globalization;
using System.Text.Json;
using Cairn.Core.Errors;

namespace Cairn.FrontDoor.Forms;

/// <summary>
/// A POST form's policy document: base64 JSON with an "expiration" (ISO 8601, UTC) and "conditions" that every
/// field of the form must meet. Conditions are {"field": "value"} (exact match), ["eq", "$field", "value"],
/// ["starts-with", "$field", "prefix"] and ["content-length-range", min, max]. Field names match without regard
/// to case, values exactly; a field the form lacks is the empty string. Every field the form sends (but
/// x-amz-signature, policy, file and x-ignore-*) must be named by a condition, the bucket included.
/// </summary>
public sealed class PostPolicy
{
    private static readonly string[] ExpirationFormats =
    [
        "yyyy-MM-dd'T'HH:mm:ss'Z'", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'",
    ];

    private PostPolicy(DateTimeOffset expiration, IReadOnlyList<Condition> conditions, (long Minimum, long Maximum)? lengthRange)
    {
        Expiration = expiration;
        Conditions = conditions;
        LengthRange = lengthRange;
    }

    public DateTimeOffset Expiration { get; }

    /// <summary>The eq and starts-with conditions, in the document's order.</summary>
    public IReadOnlyList<Condition> Conditions { get; }

    /// <summary>The content-length-range condition's bounds (inclusive), when the policy has one (the intersection of several).</summary>
    public (long Minimum, long Maximum)? LengthRange { get; }

    /// <summary>One eq or starts-with condition; <see cref="Text"/> is how S3 names it when it fails.</summary>
    public sealed record Condition(string Operator, string Field, string Value)
    {
        public string Text => $"[\"{Operator}\", \"${Field}\", \"{Value}\"]";
    }

    /// <summary>Decodes and parses the document; anything S3 would not accept is InvalidPolicyDocument.</summary>
    public static PostPolicy Parse(string base64)
    {
        byte[] json;
        try
        {
            json = Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            throw Invalid("Invalid Policy: Invalid Base64 encoding.");
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException)
        {
            throw Invalid("Invalid Policy: Invalid JSON.");
        }
        using (document)
        {
            try
            {
                return Read(document.RootElement);
            }
            catch (InvalidOperationException)
            {
                // JsonDocument checks the UTF-8 of a string only when it is read; such a document is not JSON.
                throw Invalid("Invalid Policy: Invalid JSON.");
            }
        }
    }

    /// <summary>The document's expiration and conditions.</summary>
    private static PostPolicy Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object) throw Invalid("Invalid Policy: Invalid JSON.");
        if (!root.TryGetProperty("expiration", out var expirationElement)) throw Invalid("Invalid Policy: Policy missing expiration.");
        if (expirationElement.ValueKind != JsonValueKind.String
            || !DateTimeOffset.TryParseExact(expirationElement.GetString(), ExpirationFormats, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var expiration))
        {
            throw Invalid($"Invalid Policy: Invalid 'expiration' value: '{expirationElement.GetRawText().Trim('"')}'");
        }
        if (!root.TryGetProperty("conditions", out var conditionsElement)) throw Invalid("Invalid Policy: Policy missing conditions.");
        if (conditionsElement.ValueKind != JsonValueKind.Array) throw Invalid("Invalid Policy: Invalid 'conditions' value: must be a list.");

        var conditions = new List<Condition>();
        (long, long)? lengthRange = null;
        foreach (var element in conditionsElement.EnumerateArray())
        {
            if (element.ValueKind == JsonValueKind.Object) conditions.Add(SimpleCondition(element));
            else if (element.ValueKind == JsonValueKind.Array) ListCondition(element, conditions, ref lengthRange);
            else throw Invalid($"Invalid Policy: Invalid Condition: {element.GetRawText()}");
        }
        return new PostPolicy(expiration, conditions, lengthRange);
    }

    /// <summary>{"field": "value"}: an exact match.</summary>
    private static Condition SimpleCondition(JsonElement element)
    {
        var properties = element.EnumerateObject().ToList();
        if (properties.Count != 1) throw Invalid("Invalid Policy: Invalid Simple-Condition: Simple-Conditions must have exactly one property specified.");
        var property = properties[0];
        var value = Text(property.Value) ?? throw Invalid($"Invalid Policy: Invalid Simple-Condition: value must be a string: {element.GetRawText()}");
        return new Condition("eq", property.Name, value);
    }

    /// <summary>["eq" | "starts-with", "$field", "value"] or ["content-length-range", min, max]; operators in any case.</summary>
    private static void ListCondition(JsonElement element, List<Condition> conditions, ref (long, long)? lengthRange)
    {
        var items = element.EnumerateArray().ToList();
        var op = items.Count > 0 && items[0].ValueKind == JsonValueKind.String ? items[0].GetString()!.ToLowerInvariant() : null;
        switch (op)
        {
            case "eq" or "starts-with":
                if (items.Count != 3) throw Invalid($"Invalid Policy: Invalid '{op}' condition: expected 3 elements: {element.GetRawText()}");
                var field = items[1].ValueKind == JsonValueKind.String ? items[1].GetString()! : "";
                if (!field.StartsWith('$')) throw Invalid($"Invalid Policy: Invalid '{op}' condition: the field must start with '$': {element.GetRawText()}");
                var value = Text(items[2]) ?? throw Invalid($"Invalid Policy: Invalid '{op}' condition: the value must be a string: {element.GetRawText()}");
                conditions.Add(new Condition(op, field[1..], value));
                return;
            case "content-length-range":
                if (items.Count != 3 || Length(items[1]) is not { } minimum || Length(items[2]) is not { } maximum || minimum > maximum)
                    throw Invalid($"Invalid Policy: Invalid 'content-length-range' condition: {element.GetRawText()}");
                // Several ranges all hold: their intersection (empty when they do not overlap, so no size passes).
                lengthRange = lengthRange is var (low, high) ? (Math.Max(low, minimum), Math.Min(high, maximum)) : (minimum, maximum);
                return;
            default:
                throw Invalid($"Invalid Policy: Invalid Condition: {element.GetRawText()}");
        }
    }

    /// <summary>A string value, or a number written as its text (some clients send {"success_action_status": 201}).</summary>
    private static string? Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.GetRawText(),
        _ => null,
    };

    /// <summary>A non-negative byte count, as a JSON number or a string of digits.</summary>
    private static long? Length(JsonElement value)
    {
        var text = value.ValueKind switch
        {
            JsonValueKind.Number => value.GetRawText(),
            JsonValueKind.String => value.GetString(),
            _ => null,
        };
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
    }

    /// <summary>
    /// Checks the form against the policy: not expired, every condition met, no field the conditions do not name.
    /// <paramref name="fields"/> are the form's fields before the file, the bucket and the key (its ${filename} replaced).
    /// </summary>
    public void Check(IReadOnlyList<KeyValuePair<string, string>> fields, DateTimeOffset now)
    {
        if (now > Expiration) throw Denied("Invalid according to Policy: Policy expired.");
        foreach (var condition in Conditions)
        {
            var value = fields.FirstOrDefault(f => f.Key.Equals(condition.Field, StringComparison.OrdinalIgnoreCase)).Value ?? "";
            if (!Holds(condition, value)) throw Denied($"Invalid according to Policy: Policy Condition failed: {condition.Text}");
        }
        var extra = fields.Select(f => f.Key)
            .Where(name => !Exempt(name) && !Conditions.Any(c => c.Field.Equals(name, StringComparison.OrdinalIgnoreCase)))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();
        if (extra.Count > 0) throw Denied($"Invalid according to Policy: Extra input fields: {string.Join(", ", extra)}");
    }

    private static bool Holds(Condition condition, string value)
    {
        if (condition.Operator == "eq") return value == condition.Value;
        // A Content-Type may list several types: each must start as the policy says.
        if (condition.Field.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            return value.Split(',').All(v => v.Trim().StartsWith(condition.Value, StringComparison.Ordinal));
        return value.StartsWith(condition.Value, StringComparison.Ordinal);
    }

    /// <summary>The fields no condition needs to name: the signature, the policy itself, the file and x-ignore-*.</summary>
    private static bool Exempt(string name) =>
        name.Equals("x-amz-signature", StringComparison.OrdinalIgnoreCase) || name.Equals("policy", StringComparison.OrdinalIgnoreCase)
        || name.Equals("file", StringComparison.OrdinalIgnoreCase) || name.StartsWith("x-ignore-", StringComparison.OrdinalIgnoreCase);

    private static S3Exception Invalid(string message) => new(S3ErrorCode.InvalidPolicyDocument, message);

    private static S3Exception Denied(string message) => new(S3ErrorCode.AccessDenied, message);
}
