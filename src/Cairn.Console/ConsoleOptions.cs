namespace Cairn.WebConsole;

/// <summary>How the console is served and how long its sessions last.</summary>
public sealed record ConsoleOptions
{
    /// <summary>The node's own S3 endpoint as this process reaches it (loopback): every console action is a request to it.</summary>
    public required Uri S3Endpoint { get; init; }

    /// <summary>The region requests are signed for.</summary>
    public string Region { get; init; } = "us-east-1";

    /// <summary>
    /// HOST:PORT of a port that serves the console alone (<c>--console-address</c>); null serves it under <c>/console</c>
    /// on the S3 port.
    /// </summary>
    public string? Address { get; init; }

    /// <summary>A session unused this long ends (<c>--console-session-idle</c>).</summary>
    public TimeSpan SessionIdle { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>A session ends this long after sign-in, however busy.</summary>
    public TimeSpan SessionLifetime { get; init; } = TimeSpan.FromHours(12);

    /// <summary>
    /// The S3 port's domains for virtual-hosted-style and website addressing: a request whose Host is a bucket under
    /// one of them is S3's, whatever its path.
    /// </summary>
    public IReadOnlyList<string> BucketDomains { get; init; } = [];
}
