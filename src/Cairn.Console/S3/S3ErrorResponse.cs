using System.Net;
using System.Xml.Linq;
using Amazon.S3;

namespace Cairn.WebConsole.S3;

/// <summary>An S3 error XML answered to a raw request, as the SDK's exception, so pages handle both alike.</summary>
public static class S3ErrorResponse
{
    public static AmazonS3Exception From(HttpStatusCode status, string body)
    {
        string code = status.ToString(), message = body;
        try
        {
            var error = XDocument.Parse(body).Root;
            code = error?.Element("Code")?.Value ?? code;
            message = error?.Element("Message")?.Value ?? message;
        }
        catch (System.Xml.XmlException)
        {
            // Not XML (a proxy's page): keep the status and the text.
        }
        return new AmazonS3Exception(message) { StatusCode = status, ErrorCode = code };
    }
}
