using System.Diagnostics;
using Amazon.Runtime;
using Microsoft.AspNetCore.Http;

namespace Cairn.WebConsole.Hosting;

/// <summary>
/// Tells, in each console response's <c>Server-Timing</c> header, the S3 calls the console made to build it
/// (<c>s3-ListObjectsV2;dur=3.1</c>, one entry a call): visible in the browser's developer tools, and how the tests check
/// that a listing page costs one ListObjectsV2 however large the bucket.
/// </summary>
public sealed class S3CallTiming(IHttpContextAccessor requests)
{
    private const string Calls = "cairn-console-s3-calls";

    /// <summary>Hooks a session's S3 client: each request it sends is recorded on the console request that caused it.</summary>
    public void Observe(AmazonServiceClient client)
    {
        client.BeforeRequestEvent += (_, args) =>
        {
            if (args is WebServiceRequestEventArgs call && requests.HttpContext?.Items[Calls] is List<(string, long)> calls)
                lock (calls) calls.Add((Operation(call.Request), Stopwatch.GetTimestamp()));
        };
    }

    /// <summary>Middleware: starts the record of a console request and writes it out as its response starts.</summary>
    public Task TrackAsync(HttpContext http, RequestDelegate next)
    {
        var calls = new List<(string Operation, long Started)>();
        http.Items[Calls] = calls;
        http.Response.OnStarting(() =>
        {
            lock (calls)
                if (calls.Count > 0)
                    http.Response.Headers["Server-Timing"] = string.Join(", ", calls.Select(c =>
                        $"s3-{c.Operation};dur={Stopwatch.GetElapsedTime(c.Started).TotalMilliseconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)}"));
            return Task.CompletedTask;
        });
        return next(http);
    }

    private static string Operation(AmazonWebServiceRequest request)
    {
        var name = request.GetType().Name;
        return name.EndsWith("Request", StringComparison.Ordinal) ? name[..^"Request".Length] : name;
    }
}
