using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace Cairn.Core.Xml;

/// <summary>
/// The one place that decides how S3 text (object keys, prefixes, markers, tag keys and values) crosses
/// XML, both ways, so that it arrives exactly as it left. A key may hold any character but NUL, while
/// XML 1.0 text cannot carry control characters at all and a reader turns a raw CR (or CRLF) into LF.
/// As AWS S3 does, such characters are written as numeric character references (<c>&amp;#x1;</c>,
/// <c>&amp;#xD;</c>) and read back from them; tab and LF travel as they are; whitespace is data, never
/// trimmed or dropped.
/// </summary>
public static class ExactXml
{
    /// <summary>A writer that leaves newlines alone and lets <see cref="WriteText"/> reference what XML 1.0 cannot hold.</summary>
    public static XmlWriter CreateWriter(Stream output) => XmlWriter.Create(output, new XmlWriterSettings
    {
        Encoding = new UTF8Encoding(false),
        // WriteText never hands the writer a character it cannot hold; this lets it emit &#x1; on request.
        CheckCharacters = false,
        NewLineHandling = NewLineHandling.None,
    });

    /// <summary>Writes text so that <see cref="Load"/> (or any XML reader that accepts such references) reads it back unchanged.</summary>
    public static void WriteText(XmlWriter writer, string text)
    {
        var run = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (i + 1 < text.Length && XmlConvert.IsXmlSurrogatePair(text[i + 1], text[i]))
            {
                i++;
                continue;
            }
            if (text[i] != '\r' && XmlConvert.IsXmlChar(text[i])) continue;
            if (i > run) writer.WriteString(text[run..i]);
            // A lone surrogate has no reference either; U+FFFD is what its UTF-8 form (how keys are stored) decodes to.
            writer.WriteCharEntity(char.IsSurrogate(text[i]) ? '\uFFFD' : text[i]);
            run = i + 1;
        }
        writer.WriteString(run == 0 ? text : text[run..]);
    }

    public static void WriteElement(XmlWriter writer, string name, string text)
    {
        writer.WriteStartElement(name);
        WriteText(writer, text);
        writer.WriteEndElement();
    }

    /// <summary>
    /// Reads a request body keeping every whitespace character and accepting references to control
    /// characters. No DTD: a body that declares one is refused. Throws <see cref="XmlException"/> when
    /// the body is not well-formed.
    /// </summary>
    public static XDocument Load(ReadOnlySpan<byte> body)
    {
        var settings = new XmlReaderSettings { CheckCharacters = false, DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };
        using var reader = XmlReader.Create(new MemoryStream(body.ToArray()), settings);
        return XDocument.Load(reader, LoadOptions.PreserveWhitespace);
    }
}
