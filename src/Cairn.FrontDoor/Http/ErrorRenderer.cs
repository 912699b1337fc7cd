using Cairn.Core.Errors;
using Cairn.FrontDoor.Xml;
using Microsoft.AspNetCore.Http;

namespace Cairn.FrontDoor.Http;

/// <summary>The one place an S3 error becomes a response: status, headers and the error XML.</summary>
public static class ErrorRenderer
{
    public static async Task WriteAsync(HttpContext http, S3Exception error, string resource)
    {
        var response = http.Response;
        if (response.HasStarted)
        {
            // Headers and some bytes are out: the only honest signal left is to cut the connection.
            http.Abort();
            return;
        }
        response.Clear();
        ConnectionReuse.OnError(http);
        foreach (var (name, value) in error.Headers) response.Headers[name] = value;
        response.Headers["x-amz-request-id"] = http.TraceIdentifier;
        if (error.Code.Status == 416 && error.Details.TryGetValue("ActualObjectSize", out var size))
            response.Headers.ContentRange = $"bytes */{size}";
        // HEAD responses and 304 carry no body.
        if (HttpMethods.IsHead(http.Request.Method) || error.Code.Status == 304)
        {
            response.StatusCode = error.Code.Status;
            return;
        }
        using var xml = new S3Xml("Error", withNamespace: false);
        xml.Element("Code", error.Code.Code).Element("Message", error.Message);
        foreach (var (name, value) in error.Details) xml.Element(name, value);
        xml.Element("Resource", error.Resource ?? resource).Element("RequestId", http.TraceIdentifier);
        await xml.WriteToAsync(response, error.Code.Status).ConfigureAwait(false);
    }
}
