using System.Net;
using System.Text;
using Cairn.Core.Errors;
using Cairn.FrontDoor.Xml;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace Cairn.FrontDoor.Http;

/// <summary>The one place an S3 error becomes a response: status, headers and the error XML (or, on a website endpoint, the HTML page).</summary>
public static class ErrorRenderer
{
    public static async Task WriteAsync(HttpContext http, S3Exception error, string resource)
    {
        if (!Start(http, error)) return;
        using var xml = new S3Xml("Error", withNamespace: false);
        xml.Element("Code", error.Code.Code).Element("Message", error.Message);
        foreach (var (name, value) in error.Details) xml.Element(name, value);
        xml.Element("Resource", error.Resource ?? resource).Element("RequestId", http.TraceIdentifier);
        await xml.WriteToAsync(http.Response, error.Code.Status).ConfigureAwait(false);
    }

    /// <summary>
    /// A website endpoint's error, as the HTML page S3's website endpoints answer: the status as its title, the code,
    /// message and details as a list, and — when the bucket's error document could not be served either — that error too.
    /// </summary>
    public static async Task WriteHtmlAsync(HttpContext http, S3Exception error, S3Exception? errorDocumentError = null)
    {
        if (!Start(http, error)) return;
        var title = $"{error.Code.Status} {ReasonPhrases.GetReasonPhrase(error.Code.Status)}";
        var html = new StringBuilder();
        html.Append("<html>\n<head><title>").Append(title).Append("</title></head>\n<body>\n<h1>").Append(title).Append("</h1>\n");
        AppendList(html, error, http.TraceIdentifier);
        if (errorDocumentError is not null)
        {
            html.Append("<h3>An Error Occurred While Attempting to Retrieve a Custom Error Document</h3>\n");
            AppendList(html, errorDocumentError, requestId: null);
        }
        html.Append("<hr/>\n</body>\n</html>\n");
        var bytes = Encoding.UTF8.GetBytes(html.ToString());
        var response = http.Response;
        response.StatusCode = error.Code.Status;
        response.ContentType = "text/html; charset=utf-8";
        response.ContentLength = bytes.Length;
        await response.Body.WriteAsync(bytes, http.RequestAborted).ConfigureAwait(false);
    }

    private static void AppendList(StringBuilder html, S3Exception error, string? requestId)
    {
        html.Append("<ul>\n");
        Item(html, "Code", error.Code.Code);
        Item(html, "Message", error.Message);
        foreach (var (name, value) in error.Details) Item(html, name, value);
        if (requestId is not null) Item(html, "RequestId", requestId);
        html.Append("</ul>\n");
    }

    private static void Item(StringBuilder html, string name, string value) =>
        html.Append("<li>").Append(name).Append(": ").Append(WebUtility.HtmlEncode(value)).Append("</li>\n");

    /// <summary>Clears what the request wrote and sets the error's status and headers; false when nothing more may be written.</summary>
    private static bool Start(HttpContext http, S3Exception error)
    {
        if (Observability.RequestRecord.Of(http) is { } record) record.ErrorCode = error.Code.Code;
        var response = http.Response;
        if (response.HasStarted)
        {
            // Headers and some bytes are out: the only honest signal left is to cut the connection.
            http.Abort();
            return false;
        }
        response.Clear();
        ConnectionReuse.OnError(http);
        foreach (var (name, value) in error.Headers) response.Headers[name] = value;
        Observability.RequestIds.WriteHeaders(http);
        if (error.Code.Status == 416 && error.Details.TryGetValue("ActualObjectSize", out var size))
            response.Headers.ContentRange = $"bytes */{size}";
        // HEAD responses and 304 carry no body.
        if (HttpMethods.IsHead(http.Request.Method) || error.Code.Status == 304)
        {
            response.StatusCode = error.Code.Status;
            return false;
        }
        return true;
    }
}
