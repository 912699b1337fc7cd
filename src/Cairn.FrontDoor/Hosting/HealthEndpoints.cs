using Microsoft.AspNetCore.Http;

namespace Cairn.FrontDoor.Hosting;

/// <summary>
/// /health/live and /health/ready for load balancers. They answer only unauthenticated requests,
/// so a signed request for a bucket named "health" still reaches S3.
/// </summary>
public sealed class HealthEndpoints(ReadinessGate readiness)
{
    public bool TryHandle(HttpContext http, out Task response)
    {
        response = Task.CompletedTask;
        var request = http.Request;
        if (!(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
            || request.Headers.ContainsKey("Authorization") || request.Query.ContainsKey("X-Amz-Signature")) return false;
        var path = request.Path.Value;
        if (path == "/health/live")
        {
            http.Response.StatusCode = 200;
            return true;
        }
        if (path == "/health/ready")
        {
            http.Response.StatusCode = readiness.IsReady ? 200 : 503;
            return true;
        }
        return false;
    }
}

/// <summary>Flips to ready once the index is open and the workers have started.</summary>
public sealed class ReadinessGate
{
    private volatile bool ready;

    public bool IsReady => ready;

    public void MarkReady() => ready = true;
}
