using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using Cairn.Core.Xml;
using static Cairn.Lifecycle.LifecycleErrors;
using Children = Cairn.Core.Xml.XmlChildren;

namespace Cairn.Lifecycle;

/// <summary>
/// Reads a PutBucketLifecycleConfiguration body into the model. Structure only: anything the schema
/// would refuse is MalformedXML here; the rules about values live in <see cref="LifecycleValidator"/>.
/// Elements may come in any order (the SDKs serialise them alphabetically, the console does not).
/// </summary>
internal static class LifecycleXmlReader
{
    public static LifecycleConfiguration Read(ReadOnlySpan<byte> body)
    {
        var root = Load(body);
        if (root.Name.LocalName != "LifecycleConfiguration" || !IsS3(root.Name))
            throw Malformed($"the root element must be <LifecycleConfiguration>, not <{root.Name.LocalName}>");

        var ruleElements = new Children(root, "Rule").All("Rule");
        var drafts = ruleElements.Select(ReadRule).ToList();
        var explicitIds = drafts.Where(d => d.Id is not null).Select(d => d.Id!).ToHashSet(StringComparer.Ordinal);
        var rules = drafts.Select((d, i) => d.Rule with { Id = d.Id ?? GeneratedId(ruleElements[i], i, explicitIds) }).ToList();
        return new LifecycleConfiguration(rules);
    }

    private static XElement Load(ReadOnlySpan<byte> body)
    {
        try
        {
            // Prefixes and tags are exact (a Prefix of spaces survives); containers skip whitespace explicitly.
            return ExactXml.Load(body).Root ?? throw Malformed("the body has no root element");
        }
        catch (XmlException e)
        {
            throw Malformed("the body is not well-formed XML: " + e.Message);
        }
    }

    private readonly record struct Draft(string? Id, LifecycleRule Rule);

    private static Draft ReadRule(XElement rule)
    {
        var c = new Children(rule, "ID", "Prefix", "Filter", "Status", "Transition", "Expiration",
            "NoncurrentVersionTransition", "NoncurrentVersionExpiration", "AbortIncompleteMultipartUpload");

        var id = c.Optional("ID") is { } idElement ? Text(idElement) : null;
        var legacyPrefix = c.Optional("Prefix");
        var filter = c.Optional("Filter");
        if (legacyPrefix is not null && filter is not null) throw Malformed("a <Rule> may have <Filter> or <Prefix>, not both");
        if (legacyPrefix is null && filter is null) throw Malformed("a <Rule> needs a <Filter> (or the legacy <Prefix>)");

        var parsed = new LifecycleRule
        {
            Id = "",
            Status = ReadStatus(c.Required("Status")),
            Filter = filter is not null ? ReadFilter(filter) : new LifecycleFilter { Prefix = Text(legacyPrefix!) },
            LegacyPrefix = legacyPrefix is not null,
            Transitions = c.All("Transition").Select(ReadTransition).ToList(),
            Expiration = c.Optional("Expiration") is { } e ? ReadExpiration(e) : null,
            NoncurrentVersionTransitions = c.All("NoncurrentVersionTransition").Select(ReadNoncurrentTransition).ToList(),
            NoncurrentVersionExpiration = c.Optional("NoncurrentVersionExpiration") is { } n ? ReadNoncurrentExpiration(n) : null,
            AbortIncompleteMultipartUpload = c.Optional("AbortIncompleteMultipartUpload") is { } a
                ? new AbortIncompleteMultipartUpload(Int(new Children(a, "DaysAfterInitiation").Required("DaysAfterInitiation")))
                : null,
        };
        // An empty <ID/> is treated like an absent one: S3 then names the rule itself.
        return new Draft(string.IsNullOrEmpty(id) ? null : id, parsed);
    }

    private static RuleStatus ReadStatus(XElement e) => Text(e) switch
    {
        "Enabled" => RuleStatus.Enabled,
        "Disabled" => RuleStatus.Disabled,
        var other => throw Malformed($"<Status> must be Enabled or Disabled, not '{other}'"),
    };

    private static LifecycleFilter ReadFilter(XElement filter)
    {
        var c = new Children(filter, "Prefix", "Tag", "ObjectSizeGreaterThan", "ObjectSizeLessThan", "And");
        if (c.Count > 1)
            throw Malformed("a <Filter> must have exactly one of Prefix, Tag, ObjectSizeGreaterThan, ObjectSizeLessThan or And");
        if (c.Optional("And") is { } and)
        {
            var a = new Children(and, "Prefix", "Tag", "ObjectSizeGreaterThan", "ObjectSizeLessThan");
            if (a.Count == 0) throw Malformed("<And> needs at least one condition");
            return Conditions(a);
        }
        return Conditions(c);
    }

    private static LifecycleFilter Conditions(Children c) => new()
    {
        Prefix = c.Optional("Prefix") is { } p ? Text(p) : null,
        Tags = c.All("Tag").Select(ReadTag).ToList(),
        ObjectSizeGreaterThan = c.Optional("ObjectSizeGreaterThan") is { } gt ? Long(gt) : null,
        ObjectSizeLessThan = c.Optional("ObjectSizeLessThan") is { } lt ? Long(lt) : null,
    };

    private static LifecycleTag ReadTag(XElement tag)
    {
        var c = new Children(tag, "Key", "Value");
        return new LifecycleTag(Text(c.Required("Key")), c.Optional("Value") is { } v ? Text(v) : "");
    }

    private static Transition ReadTransition(XElement e)
    {
        var c = new Children(e, "Days", "Date", "StorageClass");
        var (days, date) = DaysOrDate(c, "Transition");
        return new Transition(StorageClass(c.Required("StorageClass")), days, date);
    }

    private static LifecycleExpiration ReadExpiration(XElement e)
    {
        var c = new Children(e, "Days", "Date", "ExpiredObjectDeleteMarker");
        if (c.Count != 1) throw Malformed("<Expiration> must have exactly one of Days, Date or ExpiredObjectDeleteMarker");
        return new LifecycleExpiration(
            c.Optional("Days") is { } d ? Int(d) : null,
            c.Optional("Date") is { } t ? Date(t) : null,
            c.Optional("ExpiredObjectDeleteMarker") is { } m ? Bool(m) : null);
    }

    private static NoncurrentVersionTransition ReadNoncurrentTransition(XElement e)
    {
        var c = new Children(e, "NoncurrentDays", "StorageClass", "NewerNoncurrentVersions");
        return new NoncurrentVersionTransition(
            StorageClass(c.Required("StorageClass")), Int(c.Required("NoncurrentDays")),
            c.Optional("NewerNoncurrentVersions") is { } n ? Int(n) : null);
    }

    private static NoncurrentVersionExpiration ReadNoncurrentExpiration(XElement e)
    {
        var c = new Children(e, "NoncurrentDays", "NewerNoncurrentVersions");
        return new NoncurrentVersionExpiration(
            Int(c.Required("NoncurrentDays")), c.Optional("NewerNoncurrentVersions") is { } n ? Int(n) : null);
    }

    private static (int? Days, DateTimeOffset? Date) DaysOrDate(Children c, string action)
    {
        var days = c.Optional("Days");
        var date = c.Optional("Date");
        // AWS answers MalformedXML both for Days with Date and for neither (e.g. an SDK dropping Days=0).
        if ((days is null) == (date is null)) throw Malformed($"<{action}> must have exactly one of Days or Date");
        return (days is null ? null : Int(days), date is null ? null : Date(date));
    }

    /// <summary>A value outside S3's TransitionStorageClass enumeration fails the schema, so MalformedXML.</summary>
    private static string StorageClass(XElement e)
    {
        var name = Text(e);
        return TransitionTargets.IsTarget(name) ? name : throw Malformed($"'{name}' is not a lifecycle transition storage class");
    }

    private static int Int(XElement e) =>
        int.TryParse(Text(e).Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Malformed($"<{e.Name.LocalName}> must be an integer");

    private static long Long(XElement e) =>
        long.TryParse(Text(e).Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Malformed($"<{e.Name.LocalName}> must be an integer");

    private static bool Bool(XElement e) => Text(e).Trim() switch
    {
        "true" or "1" => true,
        "false" or "0" => false,
        _ => throw Malformed($"<{e.Name.LocalName}> must be true or false"),
    };

    private static readonly string[] DateFormats = ["yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd"];

    /// <summary>ISO 8601; an unreadable date is InvalidArgument at AWS (as ceph's s3-tests record), not MalformedXML.</summary>
    private static DateTimeOffset Date(XElement e) =>
        DateTimeOffset.TryParseExact(Text(e).Trim(), DateFormats, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value)
            ? value
            : throw InvalidArgument($"'{Text(e)}' is not an ISO 8601 date");

    private static string Text(XElement e) => Children.Text(e);

    private static bool IsS3(XName name) => Children.IsS3(name);

    /// <summary>
    /// AWS names a rule sent without an ID. Ours is a hash of the rule's XML and position, so the same
    /// body always yields the same IDs; a clash with a given ID (only by construction) is re-hashed.
    /// </summary>
    private static string GeneratedId(XElement rule, int index, HashSet<string> taken)
    {
        var text = index.ToString(CultureInfo.InvariantCulture) + "\n" + HashedText(rule);
        for (var attempt = 0; ; attempt++)
        {
            var hash = SHA256.HashData(Encoding.UTF8.GetBytes(text + "\n" + attempt.ToString(CultureInfo.InvariantCulture)));
            var id = Convert.ToHexStringLower(hash, 0, 16);
            if (taken.Add(id)) return id;
        }
    }

    /// <summary>
    /// The text <c>rule.ToString(SaveOptions.DisableFormatting)</c> gives, so IDs stay as they were, but
    /// without its character check: a prefix may hold control characters. Only hashed, never sent.
    /// </summary>
    private static string HashedText(XElement rule)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var writer = XmlWriter.Create(text, new XmlWriterSettings { OmitXmlDeclaration = true, CheckCharacters = false }))
            rule.WriteTo(writer);
        return text.ToString();
    }
}
