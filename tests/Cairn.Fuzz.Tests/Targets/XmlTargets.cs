using System.Text;
using System.Xml.Linq;
using Cairn.Fuzz.Tests.Engine;
using Cairn.FrontDoor.Buckets;
using Cairn.FrontDoor.Cors;
using Cairn.FrontDoor.Lifecycle;
using Cairn.FrontDoor.ObjectLock;
using Cairn.FrontDoor.Objects;
using Cairn.FrontDoor.Website;
using Cairn.FrontDoor.Xml;
using Cairn.Lifecycle;

namespace Cairn.Fuzz.Tests.Targets;

/// <summary>
/// An S3 XML request body read by <see cref="S3XmlBody"/> and handed to the code that interprets it; configurations
/// that are accepted are also read back from the form Cairn stores them in.
/// </summary>
public sealed class XmlTarget(string name, Action<byte[]> parse, params string[] elements) : FuzzTarget
{
    public override string Name => name;

    protected override IEnumerable<string> Words =>
    [
        .. elements.SelectMany(e => new[] { $"<{e}>", $"</{e}>", $"<{e}/>", e }),
        "<", ">", "</", "/>", "&amp;", "&lt;", "&#x0;", "&#x1;", "&#xD;", "&#xFFFF;", "&#55296;", "&unknown;", "<![CDATA[", "]]>",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>", "<!DOCTYPE a [<!ENTITY x \"y\">]>", "<!-- c -->", "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"",
        " xmlns:p=\"urn:x\"", "p:", " ", "\t", "\r\n", "true", "false", "Enabled", "Disabled", "*", "2147483648", "-1", "0",
    ];

    private readonly string[] elementNames = [.. elements.Where(e => System.Xml.XmlReader.IsName(e) && !e.Contains(':'))];

    public override byte[]? MutateStructure(byte[] seed, Random random) => XmlStructureMutator.Mutate(seed, random, elementNames);

    public override Task RunAsync(byte[] input)
    {
        parse(input);
        return Task.CompletedTask;
    }

    public static IEnumerable<XmlTarget> All() =>
    [
        new("xml-tagging", body => Verdict.Each(
                () => ObjectTags.FromXml(S3XmlBody.Parse(body)),
                () => Normalise(BucketSetting.Tagging, body)),
            "Tagging", "TagSet", "Tag", "Key", "Value"),
        new("xml-cors", body =>
            {
                var stored = Normalise(BucketSetting.Cors, body);
                if (stored is not null) Verdict.StoredFormReadsBack(stored, s => CorsConfiguration.Parse(S3XmlBody.Parse(Encoding.UTF8.GetBytes(s))));
            },
            "CORSConfiguration", "CORSRule", "ID", "AllowedOrigin", "AllowedMethod", "AllowedHeader", "ExposeHeader", "MaxAgeSeconds", "GET", "PUT"),
        new("xml-website", body =>
            {
                var stored = Normalise(BucketSetting.Website, body);
                if (stored is not null) Verdict.StoredFormReadsBack(stored, s => WebsiteConfiguration.Parse(S3XmlBody.Parse(Encoding.UTF8.GetBytes(s))));
            },
            "WebsiteConfiguration", "IndexDocument", "Suffix", "ErrorDocument", "Key", "RedirectAllRequestsTo", "HostName", "Protocol",
            "RoutingRules", "RoutingRule", "Condition", "KeyPrefixEquals", "HttpErrorCodeReturnedEquals", "Redirect", "HttpRedirectCode",
            "ReplaceKeyPrefixWith", "ReplaceKeyWith", "http", "https"),
        new("xml-lifecycle", body =>
            {
                var configuration = LifecycleXml.Parse(body);
                Verdict.StoredFormReadsBack(LifecycleXml.Write(configuration), s => LifecycleXml.Parse(Encoding.UTF8.GetBytes(s)));
            },
            "LifecycleConfiguration", "Rule", "ID", "Filter", "Prefix", "Tag", "Key", "Value", "And", "ObjectSizeGreaterThan",
            "ObjectSizeLessThan", "Status", "Transition", "Days", "Date", "StorageClass", "Expiration", "ExpiredObjectDeleteMarker",
            "NoncurrentVersionTransition", "NoncurrentVersionExpiration", "NoncurrentDays", "NewerNoncurrentVersions",
            "AbortIncompleteMultipartUpload", "DaysAfterInitiation", "GLACIER", "STANDARD_IA", "DEEP_ARCHIVE", "2026-01-01T00:00:00.000Z"),
        new("xml-object-lock", body => Verdict.Each(
                () => ObjectLockXml.ReadConfiguration(body),
                () => ObjectLockXml.ReadRetention(body),
                () => ObjectLockXml.ReadLegalHold(body)),
            "ObjectLockConfiguration", "ObjectLockEnabled", "Rule", "DefaultRetention", "Mode", "Days", "Years", "Retention",
            "RetainUntilDate", "LegalHold", "Status", "GOVERNANCE", "COMPLIANCE", "ON", "OFF", "2030-01-01T00:00:00Z"),
        new("xml-bucket-settings", body => Verdict.Each(
                () => Normalise(BucketSetting.Accelerate, body),
                () => Normalise(BucketSetting.RequestPayment, body)),
            "AccelerateConfiguration", "RequestPaymentConfiguration", "Status", "Payer", "Suspended", "BucketOwner", "Requester"),
        new("xml-restore", body => RestoreObjectHandler.ParseRequest(S3XmlBody.Parse(body)),
            "RestoreRequest", "Days", "GlacierJobParameters", "Tier", "Standard", "Bulk", "Expedited", "Type", "SELECT", "OutputLocation"),
    ];

    private static string? Normalise(BucketSetting setting, byte[] body) => setting.Normalize(S3XmlBody.Parse(body));
}
