using System.Text.RegularExpressions;
using Cairn.Index.Identities;
using Microsoft.Extensions.Primitives;

namespace Cairn.FrontDoor.Identity;

/// <summary>
/// The parameters of one query-API call (form body or query string), read with IAM's validation: a missing required
/// parameter or a value outside its pattern or length is IAM's ValidationError, worded as IAM words it.
/// </summary>
public sealed partial class IamForm(IReadOnlyDictionary<string, StringValues> values)
{
    public string? Optional(string name) => values.TryGetValue(name, out var v) && v.Count > 0 ? v[^1] : null;

    public string Required(string name) =>
        Optional(name) ?? throw IamErrors.ValidationError($"1 validation error detected: Value null at '{Member(name)}' failed to satisfy constraint: Member must not be null");

    /// <summary>A user, role or policy name: IAM's <c>[\w+=,.@-]+</c> of 1 to <paramref name="maxLength"/> characters.</summary>
    public string Name(string parameter, int maxLength = 64) => Name(parameter, Required(parameter), maxLength);

    public string? OptionalName(string parameter, int maxLength = 64) => Optional(parameter) is { } value ? Name(parameter, value, maxLength) : null;

    /// <summary>A path: <c>/</c>, or <c>/…/</c> of printable ASCII, at most 512 characters; <c>/</c> when absent.</summary>
    public string Path(string parameter = "Path")
    {
        var path = Optional(parameter) ?? "/";
        Length(parameter, path, 1, 512);
        if (!PathPattern().IsMatch(path))
            throw Pattern(parameter, path, @"(\u002F)|(\u002F[\u0021-\u007E]+\u002F)");
        return path;
    }

    /// <summary>An integer parameter within [min, max], or <paramref name="absent"/>.</summary>
    public int Integer(string parameter, int min, int max, int absent)
    {
        if (Optional(parameter) is not { } text) return absent;
        if (!int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value))
            throw IamErrors.ValidationError($"1 validation error detected: Value '{text}' at '{Member(parameter)}' failed to satisfy constraint: Member must be a number");
        if (value < min) throw IamErrors.ValidationError($"1 validation error detected: Value '{text}' at '{Member(parameter)}' failed to satisfy constraint: Member must have value greater than or equal to {min}");
        if (value > max) throw IamErrors.ValidationError($"1 validation error detected: Value '{text}' at '{Member(parameter)}' failed to satisfy constraint: Member must have value less than or equal to {max}");
        return value;
    }

    private static string Name(string parameter, string value, int maxLength)
    {
        Length(parameter, value, 1, maxLength);
        if (!NamePattern().IsMatch(value)) throw Pattern(parameter, value, @"[\w+=,.@-]+");
        return value;
    }

    private static void Length(string parameter, string value, int min, int max)
    {
        if (value.Length < min)
            throw IamErrors.ValidationError($"1 validation error detected: Value '{value}' at '{Member(parameter)}' failed to satisfy constraint: Member must have length greater than or equal to {min}");
        if (value.Length > max)
            throw IamErrors.ValidationError($"1 validation error detected: Value '{value}' at '{Member(parameter)}' failed to satisfy constraint: Member must have length less than or equal to {max}");
    }

    private static Cairn.Core.Errors.S3Exception Pattern(string parameter, string value, string pattern) =>
        IamErrors.ValidationError($"1 validation error detected: Value '{value}' at '{Member(parameter)}' failed to satisfy constraint: Member must satisfy regular expression pattern: {pattern}");

    /// <summary>IAM names the member in its messages in camel case (userName, policyDocument).</summary>
    private static string Member(string parameter) => char.ToLowerInvariant(parameter[0]) + parameter[1..];

    [GeneratedRegex(@"^[\w+=,.@-]+$")]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^(/|/[\u0021-\u007E]+/)$")]
    private static partial Regex PathPattern();
}
