using System.Globalization;
using System.Text;
using System.Xml;
using Cairn.Core.Errors;
using Microsoft.AspNetCore.Http;

namespace Cairn.FrontDoor.Identity;

/// <summary>
/// The query APIs' XML (IAM 2010-05-08, STS 2011-06-15): <c>&lt;ActionResponse xmlns=…&gt;&lt;ActionResult&gt;…&lt;/ActionResult&gt;
/// &lt;ResponseMetadata&gt;&lt;RequestId&gt;</c>, and their ErrorResponse. Served as text/xml, as IAM does. The RequestId is the
/// request's S3 request id, also in the <c>x-amz-request-id</c> header (and IAM's own <c>x-amzn-RequestId</c>), the id its
/// request log line and audit entry carry.
/// </summary>
public sealed class IamXml
{
    public const string IamNamespace = "https://iam.amazonaws.com/doc/2010-05-08/";
    public const string StsNamespace = "https://sts.amazonaws.com/doc/2011-06-15/";

    private readonly XmlWriter writer;

    private IamXml(XmlWriter writer) => this.writer = writer;

    public IamXml Element(string name, string? value)
    {
        if (value is not null) writer.WriteElementString(name, value);
        return this;
    }

    public IamXml Element(string name, long value) => Element(name, value.ToString(CultureInfo.InvariantCulture));

    public IamXml Element(string name, bool value) => Element(name, value ? "true" : "false");

    /// <summary>IAM's timestamps: ISO 8601 in UTC with seconds.</summary>
    public IamXml Element(string name, DateTimeOffset value) => Element(name, value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));

    /// <summary>Text inside the current element (a list member that is a plain value).</summary>
    public IamXml Text(string value)
    {
        writer.WriteString(value);
        return this;
    }

    /// <summary>An element holding nested ones.</summary>
    public IamXml Nested(string name, Action<IamXml> content)
    {
        writer.WriteStartElement(name);
        content(this);
        writer.WriteEndElement();
        return this;
    }

    /// <summary>A list as the query protocol writes it: each item a <c>member</c>.</summary>
    public IamXml Members<T>(string name, IEnumerable<T> items, Action<IamXml, T> item)
    {
        writer.WriteStartElement(name);
        foreach (var x in items)
        {
            writer.WriteStartElement("member");
            item(this, x);
            writer.WriteEndElement();
        }
        writer.WriteEndElement();
        return this;
    }

    /// <summary>A successful answer; <paramref name="result"/> writes the Result element's children (null: the action has no Result).</summary>
    public static Task WriteResponseAsync(HttpContext http, string action, string ns, Action<IamXml>? result) =>
        WriteAsync(http, 200, xml =>
        {
            xml.writer.WriteStartElement(action + "Response", ns);
            if (result is not null) xml.Nested(action + "Result", result);
            xml.Nested("ResponseMetadata", m => m.Element("RequestId", http.TraceIdentifier));
            xml.writer.WriteEndElement();
        });

    /// <summary>IAM's error document: Type Sender (the caller's fault) or Receiver (the service's).</summary>
    public static Task WriteErrorAsync(HttpContext http, string ns, S3Exception error)
    {
        if (http.Response.HasStarted)
        {
            http.Abort();
            return Task.CompletedTask;
        }
        http.Response.Clear();
        // Clear took the request ids the dispatcher set: an error names its request as a success does.
        Observability.RequestIds.WriteHeaders(http);
        if (Observability.RequestRecord.Of(http) is { } record) record.ErrorCode = error.Code.Code;
        return WriteAsync(http, error.Code.Status, xml =>
        {
            xml.writer.WriteStartElement("ErrorResponse", ns);
            xml.Nested("Error", e => e.Element("Type", error.Code.Status >= 500 ? "Receiver" : "Sender").Element("Code", error.Code.Code).Element("Message", error.Message));
            xml.Element("RequestId", http.TraceIdentifier);
            xml.writer.WriteEndElement();
        });
    }

    private static async Task WriteAsync(HttpContext http, int status, Action<IamXml> document)
    {
        using var buffer = new MemoryStream();
        using (var writer = XmlWriter.Create(buffer, new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = false }))
        {
            writer.WriteStartDocument();
            document(new IamXml(writer));
            writer.WriteEndDocument();
        }
        var response = http.Response;
        response.StatusCode = status;
        response.ContentType = "text/xml";
        response.ContentLength = buffer.Length;
        response.Headers["x-amzn-RequestId"] = http.TraceIdentifier;
        await response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), http.RequestAborted).ConfigureAwait(false);
    }
}
