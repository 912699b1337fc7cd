using System.Globalization;
using System.Net;

namespace Cairn.Policies;

/// <summary>How a condition treats a key with several values (IAM's set operators).</summary>
public enum SetQualifier
{
    /// <summary>No prefix: any request value matching any policy value satisfies it.</summary>
    None,

    /// <summary>ForAnyValue: at least one request value matches; an absent key fails.</summary>
    ForAnyValue,

    /// <summary>ForAllValues: every request value matches; an absent or empty key succeeds.</summary>
    ForAllValues,
}

/// <summary>The comparison families of IAM's condition operators; negated operators share their family.</summary>
public enum Comparison
{
    StringEquals,
    StringEqualsIgnoreCase,
    StringLike,
    NumericEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    BinaryEquals,
    IpAddress,
    ArnLike,
    Null,
}

/// <summary>
/// One condition operator as written, e.g. <c>ForAllValues:StringNotLikeIfExists</c>: its comparison, whether it is
/// negated (…Not…, NotIpAddress), its set qualifier and …IfExists.
/// </summary>
public sealed record ConditionOperator(string Name, Comparison Comparison, bool Negated, SetQualifier Qualifier, bool IfExists)
{
    private static readonly Dictionary<string, (Comparison Comparison, bool Negated)> Bases =
        new(StringComparer.Ordinal)
        {
            ["StringEquals"] = (Comparison.StringEquals, false),
            ["StringNotEquals"] = (Comparison.StringEquals, true),
            ["StringEqualsIgnoreCase"] = (Comparison.StringEqualsIgnoreCase, false),
            ["StringNotEqualsIgnoreCase"] = (Comparison.StringEqualsIgnoreCase, true),
            ["StringLike"] = (Comparison.StringLike, false),
            ["StringNotLike"] = (Comparison.StringLike, true),
            ["NumericEquals"] = (Comparison.NumericEquals, false),
            ["NumericNotEquals"] = (Comparison.NumericEquals, true),
            ["NumericLessThan"] = (Comparison.NumericLessThan, false),
            ["NumericLessThanEquals"] = (Comparison.NumericLessThanEquals, false),
            ["NumericGreaterThan"] = (Comparison.NumericGreaterThan, false),
            ["NumericGreaterThanEquals"] = (Comparison.NumericGreaterThanEquals, false),
            ["DateEquals"] = (Comparison.DateEquals, false),
            ["DateNotEquals"] = (Comparison.DateEquals, true),
            ["DateLessThan"] = (Comparison.DateLessThan, false),
            ["DateLessThanEquals"] = (Comparison.DateLessThanEquals, false),
            ["DateGreaterThan"] = (Comparison.DateGreaterThan, false),
            ["DateGreaterThanEquals"] = (Comparison.DateGreaterThanEquals, false),
            ["Bool"] = (Comparison.Bool, false),
            ["BinaryEquals"] = (Comparison.BinaryEquals, false),
            ["IpAddress"] = (Comparison.IpAddress, false),
            ["NotIpAddress"] = (Comparison.IpAddress, true),
            // IAM documents ArnEquals and ArnLike as the same comparison (each of the six ARN parts globbed).
            ["ArnEquals"] = (Comparison.ArnLike, false),
            ["ArnLike"] = (Comparison.ArnLike, false),
            ["ArnNotEquals"] = (Comparison.ArnLike, true),
            ["ArnNotLike"] = (Comparison.ArnLike, true),
            ["Null"] = (Comparison.Null, false),
        };

    /// <summary>Parses an operator name as IAM spells it (case-sensitive); null when IAM has no such operator.</summary>
    public static ConditionOperator? Parse(string name)
    {
        var rest = name.AsSpan();
        var qualifier = SetQualifier.None;
        if (rest.StartsWith("ForAnyValue:"))
        {
            qualifier = SetQualifier.ForAnyValue;
            rest = rest["ForAnyValue:".Length..];
        }
        else if (rest.StartsWith("ForAllValues:"))
        {
            qualifier = SetQualifier.ForAllValues;
            rest = rest["ForAllValues:".Length..];
        }

        var ifExists = rest.EndsWith("IfExists");
        if (ifExists)
            rest = rest[..^"IfExists".Length];

        if (!Bases.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(rest, out var found))
            return null;
        if (found.Comparison == Comparison.Null && (ifExists || qualifier != SetQualifier.None))
            return null;
        return new ConditionOperator(name, found.Comparison, found.Negated, qualifier, ifExists);
    }

    /// <summary>Whether policy variables are substituted in this operator's values (string and ARN operators).</summary>
    public bool TakesVariables => Comparison is Comparison.StringEquals or Comparison.StringEqualsIgnoreCase
        or Comparison.StringLike or Comparison.ArnLike;

    /// <summary>
    /// Evaluates the operator for one key. <paramref name="requestValues"/> is null when the request lacks the key;
    /// <paramref name="policyValues"/> are already variable-substituted (a value that could not be resolved is left out).
    /// </summary>
    public bool IsSatisfied(IReadOnlyList<string>? requestValues, IReadOnlyList<string> policyValues)
    {
        var present = requestValues is { Count: > 0 };
        if (Comparison == Comparison.Null)
            return policyValues.Any(v => string.Equals(v, present ? "false" : "true", StringComparison.OrdinalIgnoreCase));

        if (!present)
        {
            // IAM: …IfExists and ForAllValues are satisfied by an absent key; so is a negated operator (nothing
            // equals the policy value); everything else fails.
            return IfExists || Qualifier == SetQualifier.ForAllValues || (Negated && Qualifier == SetQualifier.None);
        }

        var values = requestValues!;
        return Qualifier switch
        {
            SetQualifier.ForAllValues => values.All(v => MatchesAny(v, policyValues) != Negated),
            SetQualifier.ForAnyValue => values.Any(v => MatchesAny(v, policyValues) != Negated),
            _ => values.Any(v => MatchesAny(v, policyValues)) != Negated,
        };
    }

    private bool MatchesAny(string requestValue, IReadOnlyList<string> policyValues)
    {
        foreach (var policyValue in policyValues)
        {
            if (Matches(policyValue, requestValue))
                return true;
        }

        return false;
    }

    private bool Matches(string policy, string request) => Comparison switch
    {
        Comparison.StringEquals => Wildcard.Unescape(policy) == request,
        Comparison.StringEqualsIgnoreCase => string.Equals(Wildcard.Unescape(policy), request, StringComparison.OrdinalIgnoreCase),
        Comparison.StringLike => Wildcard.IsMatch(policy, request),
        Comparison.NumericEquals => CompareNumbers(policy, request) is 0,
        Comparison.NumericLessThan => CompareNumbers(policy, request) is < 0,
        Comparison.NumericLessThanEquals => CompareNumbers(policy, request) is <= 0,
        Comparison.NumericGreaterThan => CompareNumbers(policy, request) is > 0,
        Comparison.NumericGreaterThanEquals => CompareNumbers(policy, request) is >= 0,
        Comparison.DateEquals => CompareDates(policy, request) is 0,
        Comparison.DateLessThan => CompareDates(policy, request) is < 0,
        Comparison.DateLessThanEquals => CompareDates(policy, request) is <= 0,
        Comparison.DateGreaterThan => CompareDates(policy, request) is > 0,
        Comparison.DateGreaterThanEquals => CompareDates(policy, request) is >= 0,
        Comparison.Bool => string.Equals(policy, request, StringComparison.OrdinalIgnoreCase),
        Comparison.BinaryEquals => policy == request,
        Comparison.IpAddress => IpRange.TryParse(policy, out var range) && IPAddress.TryParse(request, out var address) && range.Contains(address),
        Comparison.ArnLike => ArnMatches(policy, request),
        _ => false,
    };

    /// <summary>request compared to policy (negative: the request's value is smaller); null when either is not a number.</summary>
    private static int? CompareNumbers(string policy, string request) =>
        decimal.TryParse(policy, NumberStyles.Float, CultureInfo.InvariantCulture, out var p)
        && decimal.TryParse(request, NumberStyles.Float, CultureInfo.InvariantCulture, out var r)
            ? r.CompareTo(p)
            : null;

    private static int? CompareDates(string policy, string request) =>
        TryParseDate(policy, out var p) && TryParseDate(request, out var r) ? r.CompareTo(p) : null;

    /// <summary>IAM's date values: ISO 8601 (with or without time and zone) or epoch seconds.</summary>
    public static bool TryParseDate(string text, out DateTimeOffset value)
    {
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var epoch) && epoch < 253402300800)
        {
            value = DateTimeOffset.FromUnixTimeSeconds(epoch);
            return true;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value);
    }

    // ARNs compare part by part (arn:partition:service:region:account:resource), each part globbed, so "*" in the
    // region never swallows the account.
    private static bool ArnMatches(string policy, string request)
    {
        var policyParts = policy.Split(':', 6);
        var requestParts = request.Split(':', 6);
        if (policyParts.Length != 6 || requestParts.Length != 6)
            return false;
        for (var i = 0; i < 6; i++)
        {
            if (!Wildcard.IsMatch(policyParts[i], requestParts[i]))
                return false;
        }

        return true;
    }
}
