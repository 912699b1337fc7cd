namespace Cairn.FrontDoor.Hosting;

/// <summary>
/// The limits a request meets before it is served, each a server option (docs/tls-and-limits.md). Those S3 has an error
/// for are enforced by the front door with that error; Kestrel's own limits sit above them so that Kestrel's bare
/// rejections only meet requests far beyond S3's.
/// </summary>
public sealed record RequestLimits
{
    /// <summary>S3's limit on the header section (names, values, separators): 8 KiB, else 400 RequestHeaderSectionTooLarge.</summary>
    public int MaxHeaderSectionBytes { get; init; } = 8 * 1024;

    /// <summary>
    /// An upload slower than this (bytes a second, averaged by Kestrel after <see cref="UploadRateGrace"/>) ends with 400
    /// RequestTimeout; 0 turns the check off. Kestrel's own default rate: it only counts while the server waits for bytes.
    /// </summary>
    public double MinUploadBytesPerSecond { get; init; } = 240;

    public TimeSpan UploadRateGrace { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>A client that has not sent its whole header section by then is disconnected (Kestrel answers 408).</summary>
    public TimeSpan HeaderTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>An idle kept-alive connection is closed after this.</summary>
    public TimeSpan KeepAliveTimeout { get; init; } = TimeSpan.FromSeconds(130);

    /// <summary>
    /// The longest request line (method, target, version) served, in bytes: S3 keys reach 1,024 UTF-8 bytes, three times
    /// that percent-encoded, plus a presigned query; longer is 400 InvalidURI.
    /// </summary>
    public int MaxRequestLineBytes { get; init; } = 16 * 1024;

    /// <summary>Kestrel's own ceiling on the request line, above ours so that S3's error answers first (a bare 414 beyond it).</summary>
    public int KestrelRequestLineBytes => Math.Max(64 * 1024, 4 * MaxRequestLineBytes);

    /// <summary>
    /// Open connections one client address may hold on the S3 port; one more is answered 503 SlowDown and closed. 0: no limit.
    /// </summary>
    public int MaxConnectionsPerClient { get; init; } = 256;

    /// <summary>Kestrel's own ceiling on the header section, above ours so that S3's error answers first (a bare 431 beyond it).</summary>
    public int KestrelHeaderSectionBytes => Math.Max(32 * 1024, 4 * MaxHeaderSectionBytes);

    /// <summary>
    /// Kestrel's ceiling on the number of header lines (its default, 100, would refuse with a bare 431 requests S3 serves):
    /// as many as the shortest line ("a:" and CRLF, 4 bytes) fit in its header section, so that the size alone decides.
    /// </summary>
    public int KestrelHeaderCount => KestrelHeaderSectionBytes / 4;
}
