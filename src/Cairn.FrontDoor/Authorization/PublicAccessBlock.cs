using System.Text;
using System.Xml.Linq;
using Cairn.Core.Errors;
using Cairn.FrontDoor.Xml;

namespace Cairn.FrontDoor.Authorization;

/// <summary>
/// A bucket's Block Public Access settings. New buckets start with all four on (S3's default since April 2023); a
/// bucket whose configuration was deleted has all four off. BlockPublicAcls and IgnorePublicAcls concern ACLs: they
/// are exposed here for the ACL evaluation to honour.
/// </summary>
public sealed record PublicAccessBlock(bool BlockPublicAcls, bool IgnorePublicAcls, bool BlockPublicPolicy, bool RestrictPublicBuckets)
{
    /// <summary>The bucket setting's name in the index.</summary>
    public const string SettingName = "publicAccessBlock";

    public static readonly PublicAccessBlock AllOn = new(true, true, true, true);

    public static readonly PublicAccessBlock AllOff = new(false, false, false, false);

    /// <summary>The stored document (null: none, every setting off).</summary>
    public static PublicAccessBlock FromStored(string? document) =>
        document is null ? AllOff : Parse(XDocument.Parse(document));

    /// <summary>
    /// PublicAccessBlockConfiguration as PutPublicAccessBlock sends it: each element optional (absent is false), each
    /// value true or false; MalformedXML otherwise.
    /// </summary>
    public static PublicAccessBlock Parse(XDocument document)
    {
        var root = document.Root;
        if (root?.Name.LocalName != "PublicAccessBlockConfiguration") throw new S3Exception(S3ErrorCode.MalformedXML);
        foreach (var element in root.Elements())
        {
            if (element.Name.LocalName is not ("BlockPublicAcls" or "IgnorePublicAcls" or "BlockPublicPolicy" or "RestrictPublicBuckets"))
                throw new S3Exception(S3ErrorCode.MalformedXML);
        }

        return new PublicAccessBlock(Flag(root, "BlockPublicAcls"), Flag(root, "IgnorePublicAcls"), Flag(root, "BlockPublicPolicy"),
            Flag(root, "RestrictPublicBuckets"));
    }

    private static bool Flag(XElement root, string name) => root.Child(name)?.Value.Trim() switch
    {
        null => false,
        "true" or "TRUE" or "True" => true,
        "false" or "FALSE" or "False" => false,
        _ => throw new S3Exception(S3ErrorCode.MalformedXML),
    };

    /// <summary>The document GetPublicAccessBlock answers (and the index stores).</summary>
    public string ToXml()
    {
        using var xml = new S3Xml("PublicAccessBlockConfiguration");
        xml.Element("BlockPublicAcls", BlockPublicAcls)
            .Element("IgnorePublicAcls", IgnorePublicAcls)
            .Element("BlockPublicPolicy", BlockPublicPolicy)
            .Element("RestrictPublicBuckets", RestrictPublicBuckets);
        return Encoding.UTF8.GetString(xml.ToBytes());
    }
}
