using System.Text;
using System.Xml.Linq;
using Cairn.Core.Errors;
using Cairn.Core.Xml;
using Cairn.FrontDoor.Xml;

namespace Cairn.FrontDoor.AccessLogging;

/// <summary>How log objects are named: S3's simple form, or partitioned by date (of the events, or of the delivery).</summary>
public enum LogKeyFormat
{
    SimplePrefix,
    PartitionedByEventTime,
    PartitionedByDeliveryTime,
}

/// <summary>
/// A bucket's server access logging (the LoggingEnabled of PutBucketLogging's BucketLoggingStatus): where its log objects
/// go and how they are named (null <paramref name="KeyFormat"/>: none was given, the simple form). Stored as the document
/// GetBucketLogging answers; no document is logging disabled.
/// </summary>
public sealed record LoggingStatus(string TargetBucket, string TargetPrefix, LogKeyFormat? KeyFormat)
{
    /// <summary>The setting's name in the index.</summary>
    public const string SettingName = "logging";

    /// <summary>What GetBucketLogging answers for a bucket that is not logged: an empty BucketLoggingStatus.</summary>
    public static readonly string Disabled = Document(null);

    /// <summary>
    /// A PutBucketLogging body: LoggingEnabled with TargetBucket, TargetPrefix (absent is empty) and optionally
    /// TargetObjectKeyFormat, or nothing (logging disabled, null). Anything else the schema does not allow is
    /// MalformedXML; TargetGrants (ACL grants on the log objects) is not served: 501.
    /// </summary>
    public static LoggingStatus? Parse(XDocument document)
    {
        var root = document.Root;
        if (root is null || root.Name.LocalName != "BucketLoggingStatus" || !XmlChildren.IsS3(root.Name))
            throw XmlChildren.Malformed("the root element must be <BucketLoggingStatus>");
        if (new XmlChildren(root, "LoggingEnabled").Optional("LoggingEnabled") is not { } enabled) return null;
        var children = new XmlChildren(enabled, "TargetBucket", "TargetPrefix", "TargetGrants", "TargetObjectKeyFormat");
        if (children.Optional("TargetGrants") is not null)
            throw new S3Exception(S3ErrorCode.NotImplemented, "TargetGrants is not supported: grant access to log objects with the target bucket's policy.");
        var target = XmlChildren.Text(children.Required("TargetBucket"));
        var prefix = children.Optional("TargetPrefix") is { } p ? XmlChildren.Text(p) : "";
        var format = children.Optional("TargetObjectKeyFormat") is { } f ? KeyFormatOf(f) : (LogKeyFormat?)null;
        return new LoggingStatus(target, prefix, format);
    }

    /// <summary>The stored document back as a status; null (disabled) for none.</summary>
    public static LoggingStatus? FromStored(string? document) => document is null ? null : Parse(XDocument.Parse(document));

    /// <summary>The document GetBucketLogging answers.</summary>
    public string ToXml() => Document(this);

    // TargetObjectKeyFormat holds exactly one of SimplePrefix (empty) and PartitionedPrefix (PartitionDateSource).
    private static LogKeyFormat KeyFormatOf(XElement format)
    {
        var children = new XmlChildren(format, "SimplePrefix", "PartitionedPrefix");
        var simple = children.Optional("SimplePrefix");
        var partitioned = children.Optional("PartitionedPrefix");
        if ((simple is null) == (partitioned is null))
            throw XmlChildren.Malformed("<TargetObjectKeyFormat> holds exactly one of <SimplePrefix> and <PartitionedPrefix>");
        if (simple is not null)
            return simple.HasElements ? throw XmlChildren.Malformed("<SimplePrefix> is empty") : LogKeyFormat.SimplePrefix;
        var source = new XmlChildren(partitioned!, "PartitionDateSource").Optional("PartitionDateSource") is { } s ? XmlChildren.Text(s) : "EventTime";
        return source switch
        {
            "EventTime" => LogKeyFormat.PartitionedByEventTime,
            "DeliveryTime" => LogKeyFormat.PartitionedByDeliveryTime,
            _ => throw XmlChildren.Malformed("<PartitionDateSource> is EventTime or DeliveryTime"),
        };
    }

    private static string Document(LoggingStatus? status)
    {
        using var xml = new S3Xml("BucketLoggingStatus");
        if (status is not null)
        {
            xml.Open("LoggingEnabled").Element("TargetBucket", status.TargetBucket).Element("TargetPrefix", status.TargetPrefix);
            if (status.KeyFormat is null)
            {
                xml.Close();
                return Encoding.UTF8.GetString(xml.ToBytes());
            }
            xml.Open("TargetObjectKeyFormat");
            if (status.KeyFormat == LogKeyFormat.SimplePrefix)
            {
                xml.Open("SimplePrefix").Close();
            }
            else
            {
                xml.Open("PartitionedPrefix")
                    .Element("PartitionDateSource", status.KeyFormat == LogKeyFormat.PartitionedByEventTime ? "EventTime" : "DeliveryTime")
                    .Close();
            }
            xml.Close().Close();
        }
        return Encoding.UTF8.GetString(xml.ToBytes());
    }
}
