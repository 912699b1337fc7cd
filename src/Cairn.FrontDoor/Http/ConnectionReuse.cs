using Microsoft.AspNetCore.Http;

namespace Cairn.FrontDoor.Http;

/// <summary>
/// When a keep-alive connection must not be reused after a response. botocore (boto3, the AWS CLI) sends PUTs
/// with "Expect: 100-continue" and mishandles a final response that arrives without "100 Continue" first:
/// <list type="bullet">
/// <item>It does not send the body, yet Kestrel drains the declared Content-Length from the next request on the
/// connection ("GET /b?list-type=2" is read as method "ET": 501 NotImplemented).</item>
/// <item>It keeps that response's status line and reuses it for the next 100-continue request on the same
/// connection, then waits for a body that never comes: a 60 s read timeout and a silent retry
/// (boto/botocore#3755, #1863). Kestrel never sends "100 Continue" for an empty body, so every empty PUT
/// (an empty file in `aws s3 sync`) triggers it.</item>
/// </list>
/// Closing the connection after such responses avoids both (many S3 regions close on 4xx too).
/// </summary>
public static class ConnectionReuse
{
    /// <summary>Before handling: an empty body with 100-continue is answered without "100 Continue".</summary>
    public static void BeforeHandling(HttpContext http)
    {
        if (Expects100Continue(http.Request) && http.Request.ContentLength == 0)
            http.Response.Headers.Connection = "close";
    }

    /// <summary>For an error response: the body may be unread, or the client may be waiting to send it.</summary>
    public static void OnError(HttpContext http)
    {
        var request = http.Request;
        if (request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0 || Expects100Continue(request))
            http.Response.Headers.Connection = "close";
    }

    private static bool Expects100Continue(HttpRequest request) =>
        request.Headers.Expect.Any(v => v is not null && v.Contains("100-continue", StringComparison.OrdinalIgnoreCase));
}
