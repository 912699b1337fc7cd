using System.Globalization;
using System.Xml.Linq;

namespace Cairn.WebConsole.Pages.Lifecycle;

/// <summary>
/// S3's LifecycleConfiguration XML to the form's rules and back. Reading notes any element the form cannot show
/// (<see cref="Read"/>'s unsupported list) so that the page refuses to rewrite such a configuration from the form —
/// it would drop what it does not know — and leaves it to the raw XML view.
/// </summary>
public static class LifecycleXml
{
    public static readonly XNamespace S3 = "http://s3.amazonaws.com/doc/2006-03-01/";

    public static (List<RuleForm> Rules, List<string> Unsupported) Read(string xml)
    {
        var rules = new List<RuleForm>();
        var unsupported = new List<string>();
        var root = XDocument.Parse(xml).Root!;
        foreach (var element in root.Elements())
        {
            if (element.Name.LocalName == "Rule") rules.Add(ReadRule(element, unsupported));
            else unsupported.Add(element.Name.LocalName);
        }
        return (rules, unsupported);
    }

    private static RuleForm ReadRule(XElement rule, List<string> unsupported)
    {
        var form = new RuleForm();
        foreach (var e in rule.Elements())
        {
            switch (e.Name.LocalName)
            {
                case "ID": form.Id = e.Value; break;
                case "Status": form.Enabled = e.Value == "Enabled"; break;
                case "Prefix": form.LegacyPrefix = true; form.Prefix = e.Value; break;
                case "Filter": ReadFilter(e, form, unsupported); break;
                case "Transition":
                    form.Transitions.Add(new TransitionForm { Days = Int(e, "Days"), Date = Text(e, "Date"), StorageClass = Text(e, "StorageClass") });
                    Only(e, unsupported, "Days", "Date", "StorageClass");
                    break;
                case "Expiration":
                    form.ExpirationDays = Int(e, "Days");
                    form.ExpirationDate = Text(e, "Date");
                    form.ExpiredObjectDeleteMarker = Text(e, "ExpiredObjectDeleteMarker") == "true";
                    Only(e, unsupported, "Days", "Date", "ExpiredObjectDeleteMarker");
                    break;
                case "NoncurrentVersionTransition":
                    form.NoncurrentTransitions.Add(new NoncurrentTransitionForm
                        { NoncurrentDays = Int(e, "NoncurrentDays"), NewerNoncurrentVersions = Int(e, "NewerNoncurrentVersions"), StorageClass = Text(e, "StorageClass") });
                    Only(e, unsupported, "NoncurrentDays", "NewerNoncurrentVersions", "StorageClass");
                    break;
                case "NoncurrentVersionExpiration":
                    form.NoncurrentExpirationDays = Int(e, "NoncurrentDays");
                    form.NoncurrentExpirationNewerVersions = Int(e, "NewerNoncurrentVersions");
                    Only(e, unsupported, "NoncurrentDays", "NewerNoncurrentVersions");
                    break;
                case "AbortIncompleteMultipartUpload":
                    form.AbortIncompleteUploadDays = Int(e, "DaysAfterInitiation");
                    Only(e, unsupported, "DaysAfterInitiation");
                    break;
                default: unsupported.Add("Rule/" + e.Name.LocalName); break;
            }
        }
        return form;
    }

    private static void ReadFilter(XElement filter, RuleForm form, List<string> unsupported)
    {
        var conditions = filter.Element(filter.Name.Namespace + "And") ?? filter;
        foreach (var e in conditions.Elements())
        {
            switch (e.Name.LocalName)
            {
                case "Prefix": form.Prefix = e.Value; break;
                case "Tag": form.Tags.Add(new TagForm { Key = Text(e, "Key"), Value = Text(e, "Value") ?? "" }); break;
                case "ObjectSizeGreaterThan": form.SizeGreaterThan = long.Parse(e.Value, CultureInfo.InvariantCulture); break;
                case "ObjectSizeLessThan": form.SizeLessThan = long.Parse(e.Value, CultureInfo.InvariantCulture); break;
                case "And" when conditions == filter: break;
                default: unsupported.Add("Filter/" + e.Name.LocalName); break;
            }
        }
    }

    /// <summary>The configuration the kept rules make; blank transition and tag rows are left out.</summary>
    public static XDocument Write(IEnumerable<RuleForm> rules) =>
        new(new XDeclaration("1.0", "UTF-8", null), new XElement(S3 + "LifecycleConfiguration", rules.Where(r => r.Kept).Select(WriteRule)));

    private static XElement WriteRule(RuleForm r)
    {
        var rule = new XElement(S3 + "Rule");
        if (!string.IsNullOrEmpty(r.Id)) rule.Add(new XElement(S3 + "ID", r.Id));
        if (r.LegacyPrefix) rule.Add(new XElement(S3 + "Prefix", r.Prefix ?? ""));
        else rule.Add(Filter(r));
        rule.Add(new XElement(S3 + "Status", r.Enabled ? "Enabled" : "Disabled"));
        foreach (var t in r.Transitions.Where(t => !t.Blank))
            rule.Add(new XElement(S3 + "Transition", Optional("Date", t.Date), Optional("Days", t.Days), Optional("StorageClass", t.StorageClass)));
        if (r.ExpirationDays is not null || !string.IsNullOrWhiteSpace(r.ExpirationDate) || r.ExpiredObjectDeleteMarker)
            rule.Add(new XElement(S3 + "Expiration", Optional("Date", r.ExpirationDate), Optional("Days", r.ExpirationDays),
                r.ExpiredObjectDeleteMarker ? new XElement(S3 + "ExpiredObjectDeleteMarker", "true") : null));
        foreach (var t in r.NoncurrentTransitions.Where(t => !t.Blank))
            rule.Add(new XElement(S3 + "NoncurrentVersionTransition", Optional("NoncurrentDays", t.NoncurrentDays),
                Optional("NewerNoncurrentVersions", t.NewerNoncurrentVersions), Optional("StorageClass", t.StorageClass)));
        if (r.NoncurrentExpirationDays is not null || r.NoncurrentExpirationNewerVersions is not null)
            rule.Add(new XElement(S3 + "NoncurrentVersionExpiration", Optional("NoncurrentDays", r.NoncurrentExpirationDays),
                Optional("NewerNoncurrentVersions", r.NoncurrentExpirationNewerVersions)));
        if (r.AbortIncompleteUploadDays is not null)
            rule.Add(new XElement(S3 + "AbortIncompleteMultipartUpload", new XElement(S3 + "DaysAfterInitiation", r.AbortIncompleteUploadDays)));
        return rule;
    }

    /// <summary>&lt;Filter&gt;: empty (every object), one condition, or &lt;And&gt; of several, as S3 wants them.</summary>
    private static XElement Filter(RuleForm r)
    {
        var conditions = new List<XElement>();
        if (!string.IsNullOrEmpty(r.Prefix)) conditions.Add(new XElement(S3 + "Prefix", r.Prefix));
        foreach (var tag in r.Tags.Where(t => !string.IsNullOrEmpty(t.Key)))
            conditions.Add(new XElement(S3 + "Tag", new XElement(S3 + "Key", tag.Key), new XElement(S3 + "Value", tag.Value ?? "")));
        if (r.SizeGreaterThan is { } greater) conditions.Add(new XElement(S3 + "ObjectSizeGreaterThan", greater));
        if (r.SizeLessThan is { } less) conditions.Add(new XElement(S3 + "ObjectSizeLessThan", less));
        return conditions.Count <= 1 ? new XElement(S3 + "Filter", conditions) : new XElement(S3 + "Filter", new XElement(S3 + "And", conditions));
    }

    private static XElement? Optional(string name, object? value) =>
        value is null || value is string { Length: 0 } || (value is string s && string.IsNullOrWhiteSpace(s)) ? null : new XElement(S3 + name, value);

    private static string? Text(XElement parent, string name) => parent.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value;

    private static int? Int(XElement parent, string name) => Text(parent, name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : null;

    private static void Only(XElement parent, List<string> unsupported, params string[] known) =>
        unsupported.AddRange(parent.Elements().Select(e => e.Name.LocalName).Where(n => !known.Contains(n)).Select(n => parent.Name.LocalName + "/" + n));
}
