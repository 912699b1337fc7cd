using System.Buffers.Binary;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;

namespace Cairn.FrontDoor.Observability;

/// <summary>
/// Names each request of this node as S3 does: <c>x-amz-request-id</c>, 16 uppercase hex digits (a random 16-bit prefix
/// drawn at start, then a 48-bit counter that starts at the start time in microseconds, so a restart does not reuse the
/// ids of the run before), and <c>x-amz-id-2</c>, the extended id that also names the host (a random id of this process).
/// Kestrel's own TraceIdentifier repeats across connections and restarts, so it is replaced.
/// </summary>
public sealed class RequestIds
{
    private const long CounterMask = (1L << 48) - 1;
    private readonly long prefix = (long)RandomNumberGenerator.GetInt32(1 << 16) << 48;
    private readonly byte[] host = RandomNumberGenerator.GetBytes(12);
    private long counter;

    public RequestIds(TimeProvider time) => counter = time.GetUtcNow().ToUnixTimeMilliseconds() * 1000 & CounterMask;

    /// <summary>Gives the request its id (its TraceIdentifier from now on) and returns its extended id.</summary>
    public string Assign(HttpContext http)
    {
        var value = prefix | Interlocked.Increment(ref counter) & CounterMask;
        http.TraceIdentifier = value.ToString("X16", System.Globalization.CultureInfo.InvariantCulture);
        Span<byte> id2 = stackalloc byte[20];
        host.CopyTo(id2);
        BinaryPrimitives.WriteInt64BigEndian(id2[12..], value);
        return Convert.ToBase64String(id2);
    }

    /// <summary>Sets both ids on the response (again after an error cleared its headers).</summary>
    public static void WriteHeaders(HttpContext http)
    {
        http.Response.Headers["x-amz-request-id"] = http.TraceIdentifier;
        if (RequestRecord.Of(http)?.ExtendedRequestId is { } id2) http.Response.Headers["x-amz-id-2"] = id2;
    }
}
