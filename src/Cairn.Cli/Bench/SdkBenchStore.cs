using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Cairn.Cli.Bench;

/// <summary>The bench through AWSSDK.S3: what an application built on the SDK sees, SDK costs included.</summary>
public sealed class SdkBenchStore(BenchSettings settings, Credentials credentials) : IBenchStore
{
    private readonly AmazonS3Client s3 = new(new BasicAWSCredentials(credentials.AccessKey, credentials.SecretKey), new AmazonS3Config
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

    public async Task<bool> CreateBucketAsync(string bucket, CancellationToken cancellationToken)
    {
        try
        {
            await s3.PutBucketAsync(new PutBucketRequest { BucketName = bucket }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "BucketAlreadyOwnedByYou")
        {
            return false;
        }
    }

    public Task DeleteBucketAsync(string bucket, CancellationToken cancellationToken) =>
        s3.DeleteBucketAsync(new DeleteBucketRequest { BucketName = bucket }, cancellationToken);

    public Task PutAsync(string bucket, string key, Stream body, long size, CancellationToken cancellationToken) =>
        s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, InputStream = body, ContentType = "application/octet-stream" }, cancellationToken);

    public async Task<long> GetAsync(string bucket, string key, byte[] buffer, long size, CancellationToken cancellationToken)
    {
        using var response = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key }, cancellationToken).ConfigureAwait(false);
        var total = await BenchBodies.DrainAsync(response.ResponseStream, buffer, cancellationToken).ConfigureAwait(false);
        BenchBodies.RequireSize(key, total, response.ContentLength, size);
        return total;
    }

    public Task DeleteAsync(string bucket, string key, CancellationToken cancellationToken) =>
        s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = key }, cancellationToken);

    public void Dispose() => s3.Dispose();
}
