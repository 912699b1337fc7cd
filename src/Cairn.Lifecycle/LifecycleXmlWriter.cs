using System.Globalization;
using System.Text;
using System.Xml;
using Cairn.Core.Xml;

namespace Cairn.Lifecycle;

/// <summary>
/// Writes a configuration in the element order S3's GetBucketLifecycleConfiguration uses: ID, Filter
/// (or the legacy Prefix), Status, Transitions, Expiration, noncurrent actions, then the upload abort.
/// Text goes through <see cref="ExactXml"/>: the lifecycle worker parses this stored copy again, and a
/// prefix with a CR or a control character must select the same keys there as it does here.
/// </summary>
internal static class LifecycleXmlWriter
{
    public static string Write(LifecycleConfiguration configuration)
    {
        using var buffer = new MemoryStream();
        using (var w = ExactXml.CreateWriter(buffer))
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
        ExactXml.WriteElement(w, "ID", rule.Id);
        if (rule.LegacyPrefix) ExactXml.WriteElement(w, "Prefix", rule.Filter.Prefix ?? "");
        else WriteFilter(w, rule.Filter);
        ExactXml.WriteElement(w, "Status", rule.Status.ToString());

        foreach (var t in rule.Transitions)
        {
            w.WriteStartElement("Transition");
            if (t.Date is { } date) ExactXml.WriteElement(w, "Date", Timestamp(date));
            if (t.Days is { } days) ExactXml.WriteElement(w, "Days", Number(days));
            ExactXml.WriteElement(w, "StorageClass", t.StorageClass);
            w.WriteEndElement();
        }
        if (rule.Expiration is { } e)
        {
            w.WriteStartElement("Expiration");
            if (e.Date is { } date) ExactXml.WriteElement(w, "Date", Timestamp(date));
            if (e.Days is { } days) ExactXml.WriteElement(w, "Days", Number(days));
            if (e.ExpiredObjectDeleteMarker is { } marker) ExactXml.WriteElement(w, "ExpiredObjectDeleteMarker", marker ? "true" : "false");
            w.WriteEndElement();
        }
        foreach (var t in rule.NoncurrentVersionTransitions)
        {
            w.WriteStartElement("NoncurrentVersionTransition");
            ExactXml.WriteElement(w, "NoncurrentDays", Number(t.NoncurrentDays));
            ExactXml.WriteElement(w, "StorageClass", t.StorageClass);
            if (t.NewerNoncurrentVersions is { } newer) ExactXml.WriteElement(w, "NewerNoncurrentVersions", Number(newer));
            w.WriteEndElement();
        }
        if (rule.NoncurrentVersionExpiration is { } n)
        {
            w.WriteStartElement("NoncurrentVersionExpiration");
            ExactXml.WriteElement(w, "NoncurrentDays", Number(n.NoncurrentDays));
            if (n.NewerNoncurrentVersions is { } newer) ExactXml.WriteElement(w, "NewerNoncurrentVersions", Number(newer));
            w.WriteEndElement();
        }
        if (rule.AbortIncompleteMultipartUpload is { } abort)
        {
            w.WriteStartElement("AbortIncompleteMultipartUpload");
            ExactXml.WriteElement(w, "DaysAfterInitiation", Number(abort.DaysAfterInitiation));
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
        if (f.Prefix is not null) ExactXml.WriteElement(w, "Prefix", f.Prefix);
        foreach (var tag in f.Tags)
        {
            w.WriteStartElement("Tag");
            ExactXml.WriteElement(w, "Key", tag.Key);
            ExactXml.WriteElement(w, "Value", tag.Value);
            w.WriteEndElement();
        }
        if (f.ObjectSizeGreaterThan is { } min) ExactXml.WriteElement(w, "ObjectSizeGreaterThan", Number(min));
        if (f.ObjectSizeLessThan is { } max) ExactXml.WriteElement(w, "ObjectSizeLessThan", Number(max));
        if (and) w.WriteEndElement();
        w.WriteFullEndElement();
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Timestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
