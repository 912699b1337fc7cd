using System.Globalization;
using System.Text;
using System.Xml.Linq;
using Cairn.Core.Errors;
using Cairn.FrontDoor.Xml;

namespace Cairn.FrontDoor.Cors;

/// <summary>One CORSRule: which origins may send which methods with which headers, and what the browser is told.</summary>
public sealed record CorsRule(
    string? Id,
    IReadOnlyList<string> AllowedHeaders,
    IReadOnlyList<string> AllowedMethods,
    IReadOnlyList<string> AllowedOrigins,
    IReadOnlyList<string> ExposeHeaders,
    int? MaxAgeSeconds);

/// <summary>
/// A bucket's CORS configuration (PutBucketCors): read and checked as S3 checks it, written back in S3's element
/// order, and matched against a request as S3 matches it — the first rule whose origin, method and (for a
/// preflight) every requested header match.
/// </summary>
public sealed class CorsConfiguration(IReadOnlyList<CorsRule> rules)
{
    public const int MaxRules = 100;
    private static readonly string[] Methods = ["GET", "PUT", "HEAD", "POST", "DELETE"];

    public IReadOnlyList<CorsRule> Rules { get; } = rules;

    /// <summary>
    /// A CORSConfiguration document. Not one, no rule, more than 100 rules, a rule without an origin or a method, or an
    /// unknown element is MalformedXML; a method S3 does not allow, or a second wildcard, is InvalidRequest with S3's message.
    /// </summary>
    public static CorsConfiguration Parse(XDocument document)
    {
        var root = document.Root;
        if (root?.Name.LocalName != "CORSConfiguration") throw Malformed();
        var rules = root.Elements().Select(e => e.Name.LocalName == "CORSRule" ? ParseRule(e) : throw Malformed()).ToList();
        if (rules.Count is 0 or > MaxRules) throw Malformed();
        return new CorsConfiguration(rules);
    }

    private static CorsRule ParseRule(XElement rule)
    {
        List<string> headers = [], methods = [], origins = [], expose = [];
        string? id = null;
        int? maxAge = null;
        foreach (var element in rule.Elements())
        {
            var value = element.Value;
            switch (element.Name.LocalName)
            {
                case "ID" when id is null: id = value; break;
                case "AllowedHeader": headers.Add(value); break;
                case "AllowedMethod": methods.Add(value); break;
                case "AllowedOrigin": origins.Add(value); break;
                case "ExposeHeader": expose.Add(value); break;
                case "MaxAgeSeconds" when maxAge is null && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds):
                    maxAge = seconds;
                    break;
                default: throw Malformed();
            }
        }
        if (origins.Count == 0 || methods.Count == 0) throw Malformed();
        if (methods.FirstOrDefault(m => !Methods.Contains(m, StringComparer.Ordinal)) is { } method)
            throw Invalid($"Found unsupported HTTP method in CORS config. Unsupported method is {method}");
        if (origins.FirstOrDefault(HasManyWildcards) is { } origin) throw Invalid($"AllowedOrigin \"{origin}\" can not have more than one wildcard.");
        if (headers.FirstOrDefault(HasManyWildcards) is { } header) throw Invalid($"AllowedHeader \"{header}\" can not have more than one wildcard.");
        if (expose.FirstOrDefault(h => h.Contains('*')) is { } exposed)
            throw Invalid($"ExposeHeader \"{exposed}\" contains wildcard. We currently do not support wildcard for ExposeHeader.");
        return new CorsRule(id, headers, methods, origins, expose, maxAge);
    }

    /// <summary>GetBucketCors's answer: the rules as given, each element in S3's order.</summary>
    public string ToXml()
    {
        using var xml = new S3Xml("CORSConfiguration");
        foreach (var rule in Rules)
        {
            xml.Open("CORSRule").Element("ID", rule.Id);
            foreach (var header in rule.AllowedHeaders) xml.Element("AllowedHeader", header);
            foreach (var method in rule.AllowedMethods) xml.Element("AllowedMethod", method);
            foreach (var origin in rule.AllowedOrigins) xml.Element("AllowedOrigin", origin);
            foreach (var header in rule.ExposeHeaders) xml.Element("ExposeHeader", header);
            if (rule.MaxAgeSeconds is { } seconds) xml.Element("MaxAgeSeconds", seconds);
            xml.Close();
        }
        return Encoding.UTF8.GetString(xml.ToBytes());
    }

    /// <summary>
    /// The first rule allowing <paramref name="origin"/> to send <paramref name="method"/> with every one of
    /// <paramref name="requestHeaders"/> (a preflight's Access-Control-Request-Headers; none for an actual request), and
    /// the Access-Control-* headers S3 answers with for it; null when none does.
    /// </summary>
    public CorsMatch? Match(string origin, string method, IReadOnlyList<string> requestHeaders)
    {
        foreach (var rule in Rules)
        {
            var allowedOrigin = rule.AllowedOrigins.FirstOrDefault(pattern => Wildcard.Matches(pattern, origin, StringComparison.Ordinal));
            if (allowedOrigin is null || !rule.AllowedMethods.Contains(method, StringComparer.Ordinal)) continue;
            if (!requestHeaders.All(h => rule.AllowedHeaders.Any(pattern => Wildcard.Matches(pattern, h, StringComparison.OrdinalIgnoreCase)))) continue;
            return new CorsMatch(rule, allowedOrigin == "*" ? "*" : origin, requestHeaders);
        }
        return null;
    }

    private static bool HasManyWildcards(string value) => value.IndexOf('*') != value.LastIndexOf('*');

    private static S3Exception Malformed() => new(S3ErrorCode.MalformedXML);

    private static S3Exception Invalid(string message) => new(S3ErrorCode.InvalidRequest, message);
}

/// <summary>The rule a request matched, and the Access-Control-* response headers S3 sends for it.</summary>
public sealed record CorsMatch(CorsRule Rule, string AllowOrigin, IReadOnlyList<string> RequestedHeaders)
{
    /// <summary>What S3 caches vary on: set with every CORS answer.</summary>
    public const string Vary = "Origin, Access-Control-Request-Headers, Access-Control-Request-Method";

    public IEnumerable<KeyValuePair<string, string>> Headers()
    {
        yield return new("Access-Control-Allow-Origin", AllowOrigin);
        yield return new("Access-Control-Allow-Methods", string.Join(", ", Rule.AllowedMethods));
        // The requested headers that were allowed, all of them here, lowercase as S3 answers them.
        if (RequestedHeaders.Count > 0) yield return new("Access-Control-Allow-Headers", string.Join(", ", RequestedHeaders.Select(h => h.ToLowerInvariant())));
        if (Rule.ExposeHeaders.Count > 0) yield return new("Access-Control-Expose-Headers", string.Join(", ", Rule.ExposeHeaders));
        if (Rule.MaxAgeSeconds is { } seconds) yield return new("Access-Control-Max-Age", seconds.ToString(CultureInfo.InvariantCulture));
        // A wildcard origin shares the response with anyone, so never with credentials (the Fetch standard forbids both).
        if (AllowOrigin != "*") yield return new("Access-Control-Allow-Credentials", "true");
        yield return new("Vary", Vary);
    }
}

/// <summary>S3's patterns with at most one '*', which matches any run of characters (the empty one too), anchored at both ends.</summary>
public static class Wildcard
{
    public static bool Matches(string pattern, string value, StringComparison comparison)
    {
        var star = pattern.IndexOf('*');
        if (star < 0) return string.Equals(pattern, value, comparison);
        var head = pattern[..star];
        var tail = pattern[(star + 1)..];
        return value.Length >= head.Length + tail.Length && value.StartsWith(head, comparison) && value.EndsWith(tail, comparison);
    }
}
