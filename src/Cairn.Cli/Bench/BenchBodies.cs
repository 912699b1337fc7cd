namespace Cairn.Cli.Bench;

/// <summary>Reading GET bodies the same way whichever client fetched them.</summary>
public static class BenchBodies
{
    public static async Task<long> DrainAsync(Stream body, byte[] buffer, CancellationToken cancellationToken)
    {
        long total = 0;
        int n;
        while ((n = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0) total += n;
        return total;
    }

    public static void RequireSize(string key, long read, long contentLength, long expected)
    {
        if (read != expected || contentLength != expected)
            throw new InvalidDataException($"GET {key}: {read} bytes read (Content-Length {contentLength}), expected {expected}");
    }
}
