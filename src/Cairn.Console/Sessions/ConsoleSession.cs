using Amazon.S3;

namespace Cairn.WebConsole.Sessions;

/// <summary>
/// One signed-in person. The secret stays here, in this process: the browser holds only the session id.
/// </summary>
public sealed class ConsoleSession(string id, ConsoleCredentials credentials, string arn, DateTimeOffset started, Func<ConsoleCredentials, AmazonS3Client> clients) : IDisposable
{
    private readonly Lazy<AmazonS3Client> s3 = new(() => clients(credentials));
    private long lastSeenTicks = started.UtcTicks;

    public string Id { get; } = id;

    public ConsoleCredentials Credentials { get; } = credentials;

    /// <summary>Who signed in, as STS GetCallerIdentity named them.</summary>
    public string Arn { get; } = arn;

    /// <summary>The root account sees the operator pages (the admin API answers root alone).</summary>
    public bool IsRoot => Arn.EndsWith(":root", StringComparison.Ordinal);

    public DateTimeOffset Started { get; } = started;

    public DateTimeOffset LastSeen => new(Interlocked.Read(ref lastSeenTicks), TimeSpan.Zero);

    /// <summary>An S3 client of this node signed with the session's credentials.</summary>
    public AmazonS3Client S3 => s3.Value;

    internal void Touch(DateTimeOffset now) => Interlocked.Exchange(ref lastSeenTicks, now.UtcTicks);

    public void Dispose()
    {
        if (s3.IsValueCreated) s3.Value.Dispose();
    }
}

/// <summary>An access key id and its secret (the root pair or an IAM user's key).</summary>
public sealed record ConsoleCredentials(string AccessKeyId, string SecretKey)
{
    public override string ToString() => AccessKeyId;
}
