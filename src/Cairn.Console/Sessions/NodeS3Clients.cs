using Amazon.Runtime;
using Amazon.S3;

namespace Cairn.WebConsole.Sessions;

/// <summary>
/// Makes the S3 clients through which the console acts: clients of this node's own S3 endpoint, so authorization,
/// the audit log, metrics and access logs see a console action as they see any client's.
/// </summary>
public sealed class NodeS3Clients(ConsoleOptions options, LoopbackHttp loopback, Hosting.S3CallTiming timing)
{
    public AmazonS3Client Create(ConsoleCredentials credentials)
    {
        var client = Client(credentials);
        timing.Observe(client);
        return client;
    }

    private AmazonS3Client Client(ConsoleCredentials credentials) => new(
        new BasicAWSCredentials(credentials.AccessKeyId, credentials.SecretKey),
        new AmazonS3Config
        {
            ServiceURL = options.S3Endpoint.ToString(),
            ForcePathStyle = true,
            AuthenticationRegion = options.Region,
            HttpClientFactory = loopback,
            // The node computes and checks checksums itself; the console asks for none it does not show.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            Timeout = TimeSpan.FromMinutes(5),
        });
}
