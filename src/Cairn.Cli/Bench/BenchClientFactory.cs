using Amazon.Runtime;
using Amazon.S3;

namespace Cairn.Cli.Bench;

/// <summary>An S3 client that works with any endpoint and measures it rather than hiding its failures.</summary>
public static class BenchClientFactory
{
    public static AmazonS3Client Create(BenchSettings settings, Credentials credentials) =>
        new(new BasicAWSCredentials(credentials.AccessKey, credentials.SecretKey), new AmazonS3Config
        {
            ServiceURL = settings.Endpoint.ToString(),
            ForcePathStyle = true,
            AuthenticationRegion = settings.Region,
            // Every failure is counted, never retried away.
            MaxErrorRetry = 0,
            RetryMode = RequestRetryMode.Standard,
            // One connection per worker plus slack for the cleanup, so workers never queue for a socket.
            MaxConnectionsPerServer = settings.Concurrency * 2 + 4,
            // Large objects with many workers take minutes per operation on a slow endpoint.
            Timeout = TimeSpan.FromMinutes(30),
            RequestChecksumCalculation = settings.RequestChecksums,
            ResponseChecksumValidation = settings.ResponseChecksums,
        });
}
