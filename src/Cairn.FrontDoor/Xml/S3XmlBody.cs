using System.Xml;
using System.Xml.Linq;
using Cairn.Core.Errors;
using Cairn.Core.Xml;

namespace Cairn.FrontDoor.Xml;

/// <summary>
/// Reads an S3 XML request body (Delete, Tagging, CompleteMultipartUpload, RestoreRequest, bucket
/// configurations). Keys and values in it are exact (see <see cref="ExactXml"/>): a key of one space
/// stays one space. A body that is not well-formed is MalformedXML.
/// </summary>
public static class S3XmlBody
{
    public static XDocument Parse(byte[] body)
    {
        try
        {
            return ExactXml.Load(body);
        }
        catch (XmlException)
        {
            throw new S3Exception(S3ErrorCode.MalformedXML);
        }
    }

    /// <summary>The first child element with this local name, whatever its namespace (clients send S3's or none).</summary>
    public static XElement? Child(this XElement parent, string name) => parent.Elements().FirstOrDefault(e => e.Name.LocalName == name);
}
