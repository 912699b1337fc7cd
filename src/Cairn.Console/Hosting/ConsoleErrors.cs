using Amazon.S3;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Cairn.WebConsole.Hosting;

/// <summary>
/// What the console answers when a request fails below its pages: a missing or wrong antiforgery token is 400, an S3
/// error keeps S3's status and code, a node that does not answer is 502. Pages show S3 errors themselves
/// (<see cref="S3ErrorFilter"/>); this is the net under the API endpoints and everything else.
/// </summary>
public sealed partial class ConsoleErrors(RequestDelegate next, ILogger<ConsoleErrors> log)
{
    public async Task InvokeAsync(HttpContext http)
    {
        try
        {
            await next(http).ConfigureAwait(false);
        }
        catch (AntiforgeryValidationException) when (!http.Response.HasStarted)
        {
            await WriteAsync(http, StatusCodes.Status400BadRequest, "InvalidToken", "The request carried no valid antiforgery token: reload the page.").ConfigureAwait(false);
        }
        catch (AmazonS3Exception e) when (!http.Response.HasStarted)
        {
            await WriteAsync(http, (int)e.StatusCode, e.ErrorCode ?? "InternalError", e.Message).ConfigureAwait(false);
        }
        catch (HttpRequestException e) when (!http.Response.HasStarted)
        {
            LogNodeUnreachable(log, e);
            await WriteAsync(http, StatusCodes.Status502BadGateway, "NodeUnreachable", "The node's S3 endpoint did not answer.").ConfigureAwait(false);
        }
    }

    private static Task WriteAsync(HttpContext http, int status, string code, string message)
    {
        http.Response.StatusCode = status;
        return http.Response.WriteAsJsonAsync(new { error = message, code });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The console could not reach the node's S3 endpoint")]
    private static partial void LogNodeUnreachable(ILogger logger, Exception exception);
}
