using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using Cairn.Core.Errors;
using Cairn.Core.Xml;
using Cairn.FrontDoor.Xml;
using Cairn.Index.Records;

namespace Cairn.FrontDoor.ObjectLock;

/// <summary>
/// The bodies of Put/GetObjectLockConfiguration, Put/GetObjectRetention and Put/GetObjectLegalHold. Reading is strict:
/// the root, every element name, the namespace (S3's or none) and each value's type are checked, and what the schema
/// refuses is MalformedXML; a value that fits the schema but breaks a rule is InvalidArgument, as AWS answers.
/// </summary>
public static class ObjectLockXml
{
    /// <summary>AWS's longest retention: 100 years.</summary>
    private const int MaxDays = 36_500;
    private const int MaxYears = 100;

    /// <summary>ObjectLockConfiguration: ObjectLockEnabled must be Enabled; a Rule holds a DefaultRetention with a Mode and Days or Years.</summary>
    public static DefaultRetention? ReadConfiguration(byte[] body)
    {
        var root = new XmlChildren(Root(body, "ObjectLockConfiguration"), "ObjectLockEnabled", "Rule");
        if (Text(root.Required("ObjectLockEnabled")) != "Enabled") throw XmlChildren.Malformed("<ObjectLockEnabled> must be Enabled");
        if (root.Optional("Rule") is not { } rule) return null;
        var retention = new XmlChildren(new XmlChildren(rule, "DefaultRetention").Required("DefaultRetention"), "Mode", "Days", "Years");
        var mode = Mode(retention.Required("Mode"));
        var (days, years) = (retention.Optional("Days"), retention.Optional("Years"));
        if ((days is null) == (years is null)) throw XmlChildren.Malformed("<DefaultRetention> must have exactly one of Days or Years");
        return days is not null ? new DefaultRetention(mode, Period(days, MaxDays), null) : new DefaultRetention(mode, null, Period(years!, MaxYears));
    }

    /// <summary>Retention: Mode and RetainUntilDate together; an empty Retention removes it (GOVERNANCE, with the bypass).</summary>
    public static ObjectRetention? ReadRetention(byte[] body)
    {
        var root = new XmlChildren(Root(body, "Retention"), "Mode", "RetainUntilDate");
        var (mode, date) = (root.Optional("Mode"), root.Optional("RetainUntilDate"));
        if (mode is null && date is null) return null;
        if (mode is null || date is null) throw XmlChildren.Malformed("<Retention> needs both Mode and RetainUntilDate");
        return new ObjectRetention(Mode(mode), ObjectLockValues.Date(Text(date)) ?? throw XmlChildren.Malformed("<RetainUntilDate> must be an ISO 8601 date"));
    }

    public static LegalHoldStatus ReadLegalHold(byte[] body)
    {
        var status = new XmlChildren(Root(body, "LegalHold"), "Status").Required("Status");
        return ObjectLockValues.LegalHold(Text(status)) ?? throw XmlChildren.Malformed("<Status> must be ON or OFF");
    }

    public static S3Xml WriteConfiguration(ObjectLockConfiguration configuration)
    {
        var xml = new S3Xml("ObjectLockConfiguration");
        xml.Element("ObjectLockEnabled", "Enabled");
        if (configuration.DefaultRetention is { } rule)
        {
            xml.Open("Rule").Open("DefaultRetention").Element("Mode", ObjectLockValues.Name(rule.Mode));
            if (rule.Days is { } days) xml.Element("Days", days);
            if (rule.Years is { } years) xml.Element("Years", years);
            xml.Close().Close();
        }
        return xml;
    }

    public static S3Xml WriteRetention(ObjectRetention retention)
    {
        var xml = new S3Xml("Retention");
        return xml.Element("Mode", ObjectLockValues.Name(retention.Mode)).Element("RetainUntilDate", ObjectLockValues.Text(retention.RetainUntilDate));
    }

    public static S3Xml WriteLegalHold(LegalHoldStatus status) => new S3Xml("LegalHold").Element("Status", ObjectLockValues.Name(status));

    private static XElement Root(byte[] body, string name)
    {
        XElement? root;
        try
        {
            root = ExactXml.Load(body).Root;
        }
        catch (XmlException e)
        {
            throw XmlChildren.Malformed("the body is not well-formed XML: " + e.Message);
        }
        if (root is null || root.Name.LocalName != name || !XmlChildren.IsS3(root.Name))
            throw XmlChildren.Malformed($"the root element must be <{name}>");
        return root;
    }

    private static RetentionMode Mode(XElement e) =>
        ObjectLockValues.Mode(Text(e)) ?? throw XmlChildren.Malformed($"<Mode> must be GOVERNANCE or COMPLIANCE, not '{Text(e)}'");

    /// <summary>A whole number of days or years: not a number is MalformedXML, zero or less InvalidArgument, over 100 years InvalidRetentionPeriod.</summary>
    private static int Period(XElement e, int max)
    {
        var name = e.Name.LocalName;
        if (!int.TryParse(Text(e), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
            throw XmlChildren.Malformed($"<{name}> must be an integer");
        if (value <= 0)
            throw new S3Exception(S3ErrorCode.InvalidArgument, "Default retention period must be a positive integer value.")
            {
                Details = new Dictionary<string, string> { ["ArgumentName"] = name, ["ArgumentValue"] = Text(e) },
            };
        if (value > max)
            throw new S3Exception(S3ErrorCode.InvalidArgument with { Code = "InvalidRetentionPeriod" }, "Default retention period cannot exceed 100 years.");
        return value;
    }

    private static string Text(XElement e) => XmlChildren.Text(e);
}
