using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace Cairn.Fuzz.Tests.Engine;

/// <summary>
/// Mutates an XML document as a tree: an element's text becomes an edge value, an element is dropped, repeated, renamed
/// or moved under another parent. The result stays well-formed, so it reaches the code that interprets the document.
/// </summary>
public static class XmlStructureMutator
{
    private static readonly string[] Values =
    [
        "", " ", "0", "-1", "1", "2147483647", "2147483648", "-2147483649", "9223372036854775808", "1e3", "0x10", "+1", " 1 ", "01",
        "true", "false", "TRUE", "Enabled", "Disabled", "*", "**", "a*b*c", "\u0001", "\r", "\t", "\uFFFD", "é", "😀", "aws:x",
        "2030-01-01T00:00:00.000Z", "2030-01-01", "9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "2030-02-30T00:00:00Z", "http://x",
        "/", "../", "%", new string('k', 1025), new string('v', 257),
    ];

    public static byte[]? Mutate(byte[] seed, Random random, IReadOnlyList<string> names)
    {
        XDocument document;
        try
        {
            document = XDocument.Parse(Encoding.UTF8.GetString(seed), LoadOptions.PreserveWhitespace);
        }
        catch (XmlException)
        {
            return null;
        }
        var elements = document.Root!.DescendantsAndSelf().ToList();
        int steps = 1 + random.Next(3);
        for (int i = 0; i < steps && elements.Count > 0; i++)
        {
            var element = elements[random.Next(elements.Count)];
            switch (random.Next(6))
            {
                case 0 or 1: // a leaf's text
                    if (!element.HasElements) element.Value = Values[random.Next(Values.Length)];
                    else element.Add(new XElement(element.Name.Namespace + names[random.Next(names.Count)], Values[random.Next(Values.Length)]));
                    break;
                case 2 when element.Parent is not null:
                    element.Remove();
                    elements.Remove(element);
                    break;
                case 3 when element.Parent is not null:
                    for (int n = random.Next(1, random.Next(4) == 0 ? 120 : 3); n > 0; n--) element.AddAfterSelf(new XElement(element));
                    break;
                case 4:
                    element.Name = element.Name.Namespace + names[random.Next(names.Count)];
                    break;
                default:
                    var target = elements[random.Next(elements.Count)];
                    if (element.Parent is not null && !target.AncestorsAndSelf().Contains(element))
                    {
                        element.Remove();
                        target.Add(element);
                    }
                    break;
            }
        }
        var output = new MemoryStream();
        using (var writer = XmlWriter.Create(output, new XmlWriterSettings { CheckCharacters = false, Encoding = new UTF8Encoding(false) }))
            document.Save(writer);
        return output.ToArray();
    }
}
