using System.Text;
using System.Xml;
using System.Xml.Linq;
using Cairn.Testing;

namespace Cairn.FrontDoor.Tests;

/// <summary>
/// S3 XML as the wire carries it, for tests about exact key text: bodies written with CR and control
/// characters as character references (raw, a reader would normalise or refuse them), responses read
/// without dropping whitespace and accepting such references, as the AWS SDKs read them.
/// </summary>
internal static class RawXml
{
    public static XElement Parse(string body)
    {
        using var reader = XmlReader.Create(new StringReader(body), new XmlReaderSettings { CheckCharacters = false });
        return XElement.Load(reader, LoadOptions.PreserveWhitespace);
    }

    /// <summary>The text of every element named <paramref name="name"/>, in document order.</summary>
    public static string[] Values(XElement root, string name) =>
        [.. root.Descendants().Where(e => e.Name.LocalName == name).Select(e => e.Value)];

    public static string? Value(XElement root, string name) => Values(root, name).SingleOrDefault();

    /// <summary>The text of the one direct child named <paramref name="name"/>.</summary>
    public static string Child(XElement parent, string name) => parent.Elements().Single(e => e.Name.LocalName == name).Value;

    /// <summary>Element text for a request body: markup escaped, CR and other control characters as references.</summary>
    public static string Text(string value)
    {
        var text = new StringBuilder();
        foreach (var c in value)
            text.Append(c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                < ' ' and not '\t' and not '\n' => $"&#x{(int)c:X};",
                _ => c.ToString(),
            });
        return text.ToString();
    }

    /// <summary>A small XML request body with the Content-MD5 SDKs send for DeleteObjects and PutObjectTagging.</summary>
    public static ByteArrayContent Body(string xml) => SignedHttp.Xml(xml);

    /// <summary>A key as a request path: each segment percent-encoded, slashes kept.</summary>
    public static string Path(string key) => string.Join('/', key.Split('/').Select(Uri.EscapeDataString));
}
