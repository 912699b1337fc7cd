using System.Text;
using System.Xml.Linq;
using Cairn.Core.Errors;
using Cairn.FrontDoor.Cors;
using Cairn.FrontDoor.Objects;
using Cairn.FrontDoor.Website;
using Cairn.FrontDoor.Xml;

namespace Cairn.FrontDoor.Buckets;

/// <summary>
/// One configuration of a bucket that is a document put, got and deleted whole (tagging, CORS, website, …): its name in
/// the index, how a PUT body becomes the document GET answers (null: the setting goes back to its default), and what
/// GET answers when none is set — S3's error, or the default document.
/// </summary>
public sealed record BucketSetting(string Name, Func<XDocument, string?> Normalize)
{
    /// <summary>GET's error when the setting is not set; null when GET answers <see cref="Default"/>.</summary>
    public S3ErrorCode? Missing { get; init; }

    public string? Default { get; init; }

    public int PutStatus { get; init; } = 200;

    /// <summary>Whether a PUT must carry Content-MD5 or a checksum (AWS requires one for tagging and CORS).</summary>
    public BodyIntegrity Integrity { get; init; } = BodyIntegrity.Optional;

    /// <summary>The largest document a PUT may send.</summary>
    public BodyLimit Limit { get; init; } = BodyLimit.Configuration;

    /// <summary>Put/Get/DeleteBucketTagging: up to 50 tags, checked as object tags are; an empty set is no set.</summary>
    public static readonly BucketSetting Tagging = new("tagging", document =>
    {
        var tags = ObjectTags.FromXml(document, TagLimit.Bucket);
        if (tags.Count == 0) return null;
        using var xml = ObjectTags.ToXml(tags);
        return Encoding.UTF8.GetString(xml.ToBytes());
    })
    {
        Missing = S3ErrorCode.NoSuchTagSet,
        PutStatus = 204,
        Integrity = BodyIntegrity.Required,
    };

    /// <summary>Put/Get/DeleteBucketCors: a document of up to 64 KB, as AWS documents.</summary>
    public static readonly BucketSetting Cors = new("cors", document => CorsConfiguration.Parse(document).ToXml())
    {
        Missing = S3ErrorCode.NoSuchCORSConfiguration,
        Integrity = BodyIntegrity.Required,
        Limit = BodyLimit.Cors,
    };

    public static readonly BucketSetting Website = new("website", document => WebsiteConfiguration.Parse(document).ToXml())
    {
        Missing = S3ErrorCode.NoSuchWebsiteConfiguration,
    };

    /// <summary>
    /// Transfer Acceleration is not offered: GET answers an empty configuration until a PUT suspends it (then Status
    /// Suspended, as S3 answers); enabling it is 501, never accepted and ignored.
    /// </summary>
    public static readonly BucketSetting Accelerate = new("accelerate", document => Status(document, "AccelerateConfiguration", "Status") switch
    {
        "Suspended" => Document("AccelerateConfiguration", "Status", "Suspended"),
        "Enabled" => throw new S3Exception(S3ErrorCode.NotImplemented, "Transfer Acceleration is not supported."),
        _ => throw new S3Exception(S3ErrorCode.MalformedXML),
    })
    {
        Default = Document("AccelerateConfiguration", null, null),
    };

    /// <summary>The bucket owner pays, always: Payer BucketOwner is accepted (and is the default); Requester Pays is 501.</summary>
    public static readonly BucketSetting RequestPayment = new("request-payment", document => Status(document, "RequestPaymentConfiguration", "Payer") switch
    {
        "BucketOwner" => null,
        "Requester" => throw new S3Exception(S3ErrorCode.NotImplemented, "Requester Pays is not supported: the bucket owner pays."),
        _ => throw new S3Exception(S3ErrorCode.MalformedXML),
    })
    {
        Default = Document("RequestPaymentConfiguration", "Payer", "BucketOwner"),
    };

    /// <summary>Get/Put/DeletePublicAccessBlock: the four Block Public Access flags of a bucket.</summary>
    public static readonly BucketSetting PublicAccessBlock = new(Authorization.PublicAccessBlock.SettingName,
        document => Authorization.PublicAccessBlock.Parse(document).ToXml())
    {
        Missing = S3ErrorCode.NoSuchPublicAccessBlockConfiguration,
    };

    /// <summary>The text of the one element a small configuration holds; MalformedXML for another document.</summary>
    private static string? Status(XDocument document, string root, string element) =>
        document.Root?.Name.LocalName == root ? document.Root.Child(element)?.Value : throw new S3Exception(S3ErrorCode.MalformedXML);

    private static string Document(string root, string? element, string? value)
    {
        using var xml = new S3Xml(root);
        if (element is not null) xml.Element(element, value);
        return Encoding.UTF8.GetString(xml.ToBytes());
    }
}
