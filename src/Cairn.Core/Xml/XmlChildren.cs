using System.Xml.Linq;
using Cairn.Core.Errors;

namespace Cairn.Core.Xml;

/// <summary>
/// The child elements of one container of an S3 request body, checked against the names it may hold: text between
/// them, foreign namespaces and unknown names are MalformedXML, and so is a repeat of a single element. What S3's
/// published schema refuses, this refuses, so a body is never half understood.
/// </summary>
public sealed class XmlChildren
{
    public const string S3Namespace = "http://s3.amazonaws.com/doc/2006-03-01/";

    private readonly XElement parent;
    private readonly Dictionary<string, List<XElement>> byName = new(StringComparer.Ordinal);

    public XmlChildren(XElement parent, params string[] allowed)
    {
        this.parent = parent;
        foreach (var node in parent.Nodes())
        {
            switch (node)
            {
                case XText text when !string.IsNullOrWhiteSpace(text.Value):
                    throw Malformed($"<{parent.Name.LocalName}> holds text where only elements belong");
                case XElement child:
                    var name = child.Name.LocalName;
                    if (!IsS3(child.Name) || !allowed.Contains(name))
                        throw Malformed($"<{name}> is not allowed in <{parent.Name.LocalName}>");
                    if (!byName.TryGetValue(name, out var list)) byName[name] = list = [];
                    list.Add(child);
                    Count++;
                    break;
            }
        }
    }

    public int Count { get; }

    public IReadOnlyList<XElement> All(string name) => byName.TryGetValue(name, out var list) ? list : [];

    public XElement? Optional(string name) => All(name) switch
    {
        [] => null,
        [var one] => one,
        _ => throw Malformed($"<{name}> appears more than once in <{parent.Name.LocalName}>"),
    };

    public XElement Required(string name) =>
        Optional(name) ?? throw Malformed($"<{parent.Name.LocalName}> is missing <{name}>");

    /// <summary>The text of a leaf element; one holding elements is MalformedXML.</summary>
    public static string Text(XElement e) => e.HasElements ? throw Malformed($"<{e.Name.LocalName}> must hold text, not elements") : e.Value;

    /// <summary>S3's namespace, or none: clients send either.</summary>
    public static bool IsS3(XName name) => name.NamespaceName is "" or S3Namespace;

    /// <summary>The body does not fit the published schema: MalformedXML, with what was wrong.</summary>
    public static S3Exception Malformed(string detail) =>
        new(S3ErrorCode.MalformedXML, $"{S3ErrorCode.MalformedXML.DefaultMessage} ({detail})");
}
