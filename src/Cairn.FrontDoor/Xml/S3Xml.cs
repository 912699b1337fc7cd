using System.Globalization;
using System.Xml;
using Cairn.Core.Checksums;
using Cairn.Core.Xml;
using Microsoft.AspNetCore.Http;

namespace Cairn.FrontDoor.Xml;

/// <summary>
/// Builds S3 XML documents and writes them to a response. Every text goes through <see cref="ExactXml"/>,
/// so keys with control characters or CR come out as character references, never as a failed response.
/// </summary>
public sealed class S3Xml : IDisposable
{
    public const string Namespace = "http://s3.amazonaws.com/doc/2006-03-01/";
    private readonly MemoryStream buffer = new();
    private readonly XmlWriter writer;

    public S3Xml(string root, bool withNamespace = true)
    {
        writer = ExactXml.CreateWriter(buffer);
        writer.WriteStartDocument();
        if (withNamespace) writer.WriteStartElement(root, Namespace);
        else writer.WriteStartElement(root);
    }

    public S3Xml Element(string name, string? value)
    {
        if (value is not null) ExactXml.WriteElement(writer, name, value);
        return this;
    }

    public S3Xml Element(string name, long value) => Element(name, value.ToString(CultureInfo.InvariantCulture));

    public S3Xml Element(string name, bool value) => Element(name, value ? "true" : "false");

    public S3Xml Element(string name, DateTimeOffset value) => Element(name, Timestamp(value));

    /// <summary>ChecksumCRC32 … ChecksumSHA256 elements with their values, in the order S3 lists them.</summary>
    public S3Xml Checksums(IReadOnlyDictionary<string, string> checksums)
    {
        foreach (var algorithm in Core.Checksums.ChecksumAlgorithms.All)
            if (checksums.TryGetValue(algorithm.Name(), out var value)) Element("Checksum" + algorithm.Name(), value);
        return this;
    }

    /// <summary>A listed object's ChecksumAlgorithm elements and its ChecksumType (COMPOSITE for a checksum of part checksums).</summary>
    public S3Xml ChecksumAlgorithms(IReadOnlyDictionary<string, string> checksums)
    {
        foreach (var algorithm in Core.Checksums.ChecksumAlgorithms.All)
            if (checksums.ContainsKey(algorithm.Name())) Element("ChecksumAlgorithm", algorithm.Name());
        return Element("ChecksumType", Core.Checksums.ChecksumAlgorithms.ChecksumType(checksums));
    }

    /// <summary>Text directly inside the current element.</summary>
    public S3Xml Text(string value)
    {
        ExactXml.WriteText(writer, value);
        return this;
    }

    public S3Xml Open(string name)
    {
        writer.WriteStartElement(name);
        return this;
    }

    /// <summary>An element whose type is named by xsi:type (an ACL's Grantee: CanonicalUser or Group).</summary>
    public S3Xml Open(string name, string xsiType)
    {
        writer.WriteStartElement(name);
        writer.WriteAttributeString("xmlns", "xsi", null, XmlSchemaInstance);
        writer.WriteAttributeString("type", XmlSchemaInstance, xsiType);
        return this;
    }

    public const string XmlSchemaInstance = "http://www.w3.org/2001/XMLSchema-instance";

    public S3Xml Close()
    {
        writer.WriteEndElement();
        return this;
    }

    public byte[] ToBytes()
    {
        writer.WriteEndElement();
        writer.WriteEndDocument();
        writer.Flush();
        return buffer.ToArray();
    }

    public async Task WriteToAsync(HttpResponse response, int status = 200)
    {
        var bytes = ToBytes();
        response.StatusCode = status;
        response.ContentType = "application/xml";
        response.ContentLength = bytes.Length;
        await response.Body.WriteAsync(bytes, response.HttpContext.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>ISO 8601 with milliseconds, as S3 writes timestamps in XML.</summary>
    public static string Timestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public void Dispose()
    {
        writer.Dispose();
        buffer.Dispose();
    }
}
