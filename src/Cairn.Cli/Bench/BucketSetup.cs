using Amazon.S3;
using Amazon.S3.Model;

namespace Cairn.Cli.Bench;

/// <summary>Creates the bench bucket, or reuses it when it already exists and is ours.</summary>
public static class BucketSetup
{
    /// <returns>True when this run created the bucket (and so should delete it).</returns>
    public static async Task<bool> EnsureAsync(IAmazonS3 s3, string bucket, CancellationToken cancellationToken)
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

    public static async Task DeleteAsync(IAmazonS3 s3, string bucket) =>
        await s3.DeleteBucketAsync(new DeleteBucketRequest { BucketName = bucket }).ConfigureAwait(false);
}
