using System.Xml.Linq;

namespace Cairn.FrontDoor.Tests;

/// <summary>
/// A response body read strictly, as the AWS SDKs' XML parsers rely on it: the root's name and S3's namespace, and
/// the children of an element by name, in order.
/// </summary>
internal static class StrictXml
{
    public static readonly XNamespace S3 = "http://s3.amazonaws.com/doc/2006-03-01/";

    /// <summary>The document's root, which must be <paramref name="root"/> in S3's namespace.</summary>
    public static XElement Root(string body, string root)
    {
        var element = XDocument.Parse(body).Root!;
        Assert.Equal(S3 + root, element.Name);
        return element;
    }

    /// <summary>The local names of an element's children, in document order; every child in S3's namespace.</summary>
    public static string[] Names(XElement parent)
    {
        Assert.All(parent.Elements(), e => Assert.Equal(S3, e.Name.Namespace));
        return [.. parent.Elements().Select(e => e.Name.LocalName)];
    }

    public static XElement Child(XElement parent, string name) => parent.Elements(S3 + name).Single();
}
