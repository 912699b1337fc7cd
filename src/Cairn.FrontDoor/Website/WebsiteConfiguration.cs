using System.Globalization;
using System.Text;
using System.Xml.Linq;
using Cairn.Core.Errors;
using Cairn.FrontDoor.Xml;

namespace Cairn.FrontDoor.Website;

/// <summary>Where every request to the website goes (RedirectAllRequestsTo).</summary>
public sealed record RedirectAll(string HostName, string? Protocol);

/// <summary>A routing rule's condition: a key prefix, an error code, or both (both must hold).</summary>
public sealed record RoutingCondition(string? KeyPrefixEquals, string? HttpErrorCodeReturnedEquals);

/// <summary>Where a routing rule sends the request; an element left out keeps the request's own value.</summary>
public sealed record RoutingRedirect(string? HostName, string? HttpRedirectCode, string? Protocol, string? ReplaceKeyPrefixWith, string? ReplaceKeyWith);

public sealed record RoutingRule(RoutingCondition? Condition, RoutingRedirect Redirect)
{
    /// <summary>
    /// Whether the rule applies to a request for <paramref name="key"/> that got <paramref name="errorStatus"/> (null:
    /// before the object is looked up, when only rules without an error-code condition can apply).
    /// </summary>
    public bool Applies(string key, int? errorStatus) => Condition switch
    {
        null => errorStatus is null,
        { HttpErrorCodeReturnedEquals: { } code } => errorStatus?.ToString(CultureInfo.InvariantCulture) == code && key.StartsWith(Condition.KeyPrefixEquals ?? "", StringComparison.Ordinal),
        { KeyPrefixEquals: { } prefix } => errorStatus is null && key.StartsWith(prefix, StringComparison.Ordinal),
        _ => false,
    };
}

/// <summary>
/// A bucket's website configuration (PutBucketWebsite): either a redirect of every request, or an index document,
/// an optional error document and routing rules. Read and checked as S3 checks it, written back in S3's order.
/// </summary>
public sealed record WebsiteConfiguration(RedirectAll? RedirectAllRequestsTo, string? IndexSuffix, string? ErrorKey, IReadOnlyList<RoutingRule> RoutingRules)
{
    public const int MaxRoutingRules = 50;

    public static WebsiteConfiguration Parse(XDocument document)
    {
        var root = document.Root;
        if (root?.Name.LocalName != "WebsiteConfiguration") throw Malformed();
        var children = root.Elements().ToList();
        if (children.Any(e => e.Name.LocalName is not ("RedirectAllRequestsTo" or "IndexDocument" or "ErrorDocument" or "RoutingRules"))) throw Malformed();
        if (root.Child("RedirectAllRequestsTo") is { } all)
        {
            if (children.Count > 1)
                throw new S3Exception(S3ErrorCode.InvalidArgument, "RedirectAllRequestsTo cannot be provided in conjunction with other Routing Rules.")
                {
                    Details = new Dictionary<string, string> { ["ArgumentName"] = "RedirectAllRequestsTo", ["ArgumentValue"] = "not null" },
                };
            var host = all.Child("HostName")?.Value ?? throw Malformed();
            return new WebsiteConfiguration(new RedirectAll(host, Protocol(all)), null, null, []);
        }
        var suffix = root.Child("IndexDocument") is { } index
            ? index.Child("Suffix")?.Value ?? throw Malformed()
            : throw new S3Exception(S3ErrorCode.InvalidArgument, "A value for IndexDocument Suffix must be provided if RedirectAllRequestsTo is empty")
            {
                Details = new Dictionary<string, string> { ["ArgumentName"] = "IndexDocument", ["ArgumentValue"] = "null" },
            };
        if (suffix.Length == 0 || suffix.Contains('/'))
            throw new S3Exception(S3ErrorCode.InvalidArgument, "The IndexDocument Suffix is not well formed")
            {
                Details = new Dictionary<string, string> { ["ArgumentName"] = "IndexDocument", ["ArgumentValue"] = suffix },
            };
        var errorKey = root.Child("ErrorDocument") is { } error ? error.Child("Key")?.Value is { Length: > 0 } key ? key : throw Malformed() : null;
        var rules = new List<RoutingRule>();
        if (root.Child("RoutingRules") is { } routing)
        {
            rules.AddRange(routing.Elements().Select(e => e.Name.LocalName == "RoutingRule" ? ParseRule(e) : throw Malformed()));
            if (rules.Count == 0) throw Malformed();
            if (rules.Count > MaxRoutingRules)
                throw Invalid($"{rules.Count} routing rules provided, the number of routing rules in a website configuration is limited to {MaxRoutingRules}.");
        }
        return new WebsiteConfiguration(null, suffix, errorKey, rules);
    }

    private static RoutingRule ParseRule(XElement rule)
    {
        RoutingCondition? condition = null;
        if (rule.Child("Condition") is { } c)
        {
            condition = new RoutingCondition(c.Child("KeyPrefixEquals")?.Value, c.Child("HttpErrorCodeReturnedEquals")?.Value);
            if (condition is { KeyPrefixEquals: null, HttpErrorCodeReturnedEquals: null })
                throw Invalid("Condition cannot be empty. To redirect all requests without a condition, the condition element shouldn't be present.");
            if (condition.HttpErrorCodeReturnedEquals is { } code && !IsStatus(code, 400, 599))
                throw Invalid($"The provided HTTP error code ({code}) is not valid. Valid codes are 4XX or 5XX.");
        }
        var r = rule.Child("Redirect") ?? throw Malformed();
        var redirect = new RoutingRedirect(r.Child("HostName")?.Value, r.Child("HttpRedirectCode")?.Value, Protocol(r),
            r.Child("ReplaceKeyPrefixWith")?.Value, r.Child("ReplaceKeyWith")?.Value);
        if (redirect is { ReplaceKeyPrefixWith: not null, ReplaceKeyWith: not null })
            throw Invalid("You can only define ReplaceKeyPrefix or ReplaceKey but not both.");
        if (redirect.HttpRedirectCode is { } status && !IsStatus(status, 301, 399))
            throw Invalid($"The provided HTTP redirect code ({status}) is not valid. Valid codes are 3XX except 300.");
        return new RoutingRule(condition, redirect);
    }

    private static string? Protocol(XElement parent) => parent.Child("Protocol")?.Value switch
    {
        null => null,
        var protocol when protocol is "http" or "https" => protocol,
        _ => throw Invalid("Invalid protocol, protocol can be http or https. If not defined the protocol will be selected automatically."),
    };

    private static bool IsStatus(string text, int lowest, int highest) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var status) && status >= lowest && status <= highest;

    /// <summary>GetBucketWebsite's answer, in S3's element order.</summary>
    public string ToXml()
    {
        using var xml = new S3Xml("WebsiteConfiguration");
        if (RedirectAllRequestsTo is { } all) xml.Open("RedirectAllRequestsTo").Element("HostName", all.HostName).Element("Protocol", all.Protocol).Close();
        if (IndexSuffix is { } suffix) xml.Open("IndexDocument").Element("Suffix", suffix).Close();
        if (ErrorKey is { } key) xml.Open("ErrorDocument").Element("Key", key).Close();
        if (RoutingRules.Count > 0)
        {
            xml.Open("RoutingRules");
            foreach (var rule in RoutingRules)
            {
                xml.Open("RoutingRule");
                if (rule.Condition is { } c)
                    xml.Open("Condition").Element("HttpErrorCodeReturnedEquals", c.HttpErrorCodeReturnedEquals).Element("KeyPrefixEquals", c.KeyPrefixEquals).Close();
                var r = rule.Redirect;
                xml.Open("Redirect").Element("HostName", r.HostName).Element("HttpRedirectCode", r.HttpRedirectCode).Element("Protocol", r.Protocol)
                    .Element("ReplaceKeyPrefixWith", r.ReplaceKeyPrefixWith).Element("ReplaceKeyWith", r.ReplaceKeyWith).Close();
                xml.Close();
            }
            xml.Close();
        }
        return Encoding.UTF8.GetString(xml.ToBytes());
    }

    private static S3Exception Malformed() => new(S3ErrorCode.MalformedXML);

    private static S3Exception Invalid(string message) => new(S3ErrorCode.InvalidRequest, message);
}
