using Amazon.Runtime;

namespace Cairn.Cli.Bench;

/// <summary>Everything `cairn bench` was asked to do.</summary>
public sealed record BenchSettings(
    Uri Endpoint,
    long Size,
    int Concurrency,
    TimeSpan Duration,
    string? Bucket,
    string Region,
    bool Json,
    string Checksum,
    int? MemoryProbePid,
    string Client = BenchSettings.HttpClient,
    int? Objects = null)
{
    /// <summary>Objects per worker in the default working set (see <see cref="WorkingSetObjects"/>).</summary>
    public const int DefaultObjectsPerWorker = 4;

    /// <summary>
    /// How many objects are put before the timed phases and read, and only those, by the GET phase:
    /// --objects, else 4 per worker. It depends on the arguments alone, never on how fast a server is,
    /// so two servers benchmarked with the same arguments read the same set.
    /// </summary>
    public int WorkingSetObjects => Objects ?? Concurrency * DefaultObjectsPerWorker;

    public long WorkingSetBytes => WorkingSetObjects * Size;

    /// <summary>The lean SigV4 HttpClient (default): the server's cost, not the client's, is what gets measured.</summary>
    public const string HttpClient = "http";

    /// <summary>AWSSDK.S3 with its full pipeline (checksums per --checksum).</summary>
    public const string SdkClient = "sdk";

    public const string WhenRequired = "WHEN_REQUIRED";
    public const string WhenSupported = "WHEN_SUPPORTED";

    public RequestChecksumCalculation RequestChecksums =>
        Checksum == WhenSupported ? RequestChecksumCalculation.WHEN_SUPPORTED : RequestChecksumCalculation.WHEN_REQUIRED;

    public ResponseChecksumValidation ResponseChecksums =>
        Checksum == WhenSupported ? ResponseChecksumValidation.WHEN_SUPPORTED : ResponseChecksumValidation.WHEN_REQUIRED;
}
