using System.Globalization;
using System.Text;
using System.Xml;

namespace Cairn.Lifecycle;

/// <summary>
/// Writes a configuration in the element order S3's GetBucketLifecycleConfiguration uses: ID, Filter
/// (or the legacy Prefix), Status, Transitions, Expiration, noncurrent actions, then the upload abort.
/// </summary>
internal static class LifecycleXmlWriter
{
    public static string Write(LifecycleConfiguration configuration)
    {
        using var buffer = new MemoryStream();
        using (var w = XmlWriter.Create(buffer, new XmlWriterSettings { Encoding = new UTF8Encoding(false) }))
        {
            w.WriteStartDocument();
            w.WriteStartElement("LifecycleConfiguration", LifecycleXml.Namespace);
            foreach (var rule in configuration.Rules) WriteRule(w, rule);
            w.WriteEndElement();
            w.WriteEndDocument();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteRule(XmlWriter w, LifecycleRule rule)
    {
        w.WriteStartElement("Rule");
        w.WriteElementString("ID", rule.Id);
        if (rule.LegacyPrefix) w.WriteElementString("Prefix", rule.Filter.Prefix ?? "");
        else WriteFilter(w, rule.Filter);
        w.WriteElementString("Status", rule.Status.ToString());

        foreach (var t in rule.Transitions)
        {
            w.WriteStartElement("Transition");
            if (t.Date is { } date) w.WriteElementString("Date", Timestamp(date));
            if (t.Days is { } days) w.WriteElementString("Days", Number(days));
            w.WriteElementString("StorageClass", t.StorageClass);
            w.WriteEndElement();
        }
        if (rule.Expiration is { } e)
        {
            w.WriteStartElement("Expiration");
            if (e.Date is { } date) w.WriteElementString("Date", Timestamp(date));
            if (e.Days is { } days) w.WriteElementString("Days", Number(days));
            if (e.ExpiredObjectDeleteMarker is { } marker) w.WriteElementString("ExpiredObjectDeleteMarker", marker ? "true" : "false");
            w.WriteEndElement();
        }
        foreach (var t in rule.NoncurrentVersionTransitions)
        {
            w.WriteStartElement("NoncurrentVersionTransition");
            w.WriteElementString("NoncurrentDays", Number(t.NoncurrentDays));
            w.WriteElementString("StorageClass", t.StorageClass);
            if (t.NewerNoncurrentVersions is { } newer) w.WriteElementString("NewerNoncurrentVersions", Number(newer));
            w.WriteEndElement();
        }
        if (rule.NoncurrentVersionExpiration is { } n)
        {
            w.WriteStartElement("NoncurrentVersionExpiration");
            w.WriteElementString("NoncurrentDays", Number(n.NoncurrentDays));
            if (n.NewerNoncurrentVersions is { } newer) w.WriteElementString("NewerNoncurrentVersions", Number(newer));
            w.WriteEndElement();
        }
        if (rule.AbortIncompleteMultipartUpload is { } abort)
        {
            w.WriteStartElement("AbortIncompleteMultipartUpload");
            w.WriteElementString("DaysAfterInitiation", Number(abort.DaysAfterInitiation));
            w.WriteEndElement();
        }
        w.WriteEndElement();
    }

    /// <summary>One condition goes straight into &lt;Filter&gt;; two or more need &lt;And&gt;; none leaves it empty.</summary>
    private static void WriteFilter(XmlWriter w, LifecycleFilter f)
    {
        w.WriteStartElement("Filter");
        var and = f.ConditionCount > 1;
        if (and) w.WriteStartElement("And");
        if (f.Prefix is not null) w.WriteElementString("Prefix", f.Prefix);
        foreach (var tag in f.Tags)
        {
            w.WriteStartElement("Tag");
            w.WriteElementString("Key", tag.Key);
            w.WriteElementString("Value", tag.Value);
            w.WriteEndElement();
        }
        if (f.ObjectSizeGreaterThan is { } min) w.WriteElementString("ObjectSizeGreaterThan", Number(min));
        if (f.ObjectSizeLessThan is { } max) w.WriteElementString("ObjectSizeLessThan", Number(max));
        if (and) w.WriteEndElement();
        w.WriteFullEndElement();
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Timestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
