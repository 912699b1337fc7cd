using System.Text;
using Cairn.Core.Errors;
using Cairn.FrontDoor.Objects;
using Cairn.FrontDoor.Routing;
using Cairn.FrontDoor.Xml;
using Cairn.Index.Buckets;

namespace Cairn.FrontDoor.Buckets;

/// <summary>
/// Get, Put and Delete of every bucket configuration that is one document (<see cref="BucketSetting"/>): a PUT is
/// checked whole and replaces the previous document in one index command; GET answers the document as stored.
/// </summary>
public sealed class BucketSettingHandlers(BucketCatalog buckets, BucketSettings settings, FrontDoorOptions options)
{
    private static readonly Dictionary<S3Operation, (BucketSetting Setting, string Method)> Operations = new()
    {
        [S3Operation.GetBucketTagging] = (BucketSetting.Tagging, "GET"),
        [S3Operation.PutBucketTagging] = (BucketSetting.Tagging, "PUT"),
        [S3Operation.DeleteBucketTagging] = (BucketSetting.Tagging, "DELETE"),
        [S3Operation.GetBucketCors] = (BucketSetting.Cors, "GET"),
        [S3Operation.PutBucketCors] = (BucketSetting.Cors, "PUT"),
        [S3Operation.DeleteBucketCors] = (BucketSetting.Cors, "DELETE"),
        [S3Operation.GetBucketWebsite] = (BucketSetting.Website, "GET"),
        [S3Operation.PutBucketWebsite] = (BucketSetting.Website, "PUT"),
        [S3Operation.DeleteBucketWebsite] = (BucketSetting.Website, "DELETE"),
        [S3Operation.GetBucketAccelerateConfiguration] = (BucketSetting.Accelerate, "GET"),
        [S3Operation.PutBucketAccelerateConfiguration] = (BucketSetting.Accelerate, "PUT"),
        [S3Operation.GetBucketRequestPayment] = (BucketSetting.RequestPayment, "GET"),
        [S3Operation.PutBucketRequestPayment] = (BucketSetting.RequestPayment, "PUT"),
        [S3Operation.GetPublicAccessBlock] = (BucketSetting.PublicAccessBlock, "GET"),
        [S3Operation.PutPublicAccessBlock] = (BucketSetting.PublicAccessBlock, "PUT"),
        [S3Operation.DeletePublicAccessBlock] = (BucketSetting.PublicAccessBlock, "DELETE"),
        [S3Operation.GetBucketEncryption] = (Encryption.BucketEncryption.Setting(encryptByDefault: true), "GET"),
        [S3Operation.PutBucketEncryption] = (Encryption.BucketEncryption.Setting(encryptByDefault: true), "PUT"),
        [S3Operation.DeleteBucketEncryption] = (Encryption.BucketEncryption.Setting(encryptByDefault: true), "DELETE"),
    };

    /// <summary>Whether GetBucketEncryption answers SSE-S3 for a bucket without a configuration depends on the server's option.</summary>
    private readonly BucketSetting encryption = Encryption.BucketEncryption.Setting(options.EncryptByDefault);

    public static bool Serves(S3Operation operation) => Operations.ContainsKey(operation);

    public Task HandleAsync(S3Request s3)
    {
        var (setting, method) = Operations[s3.Operation];
        if (setting.Name == encryption.Name) setting = encryption;
        return method switch
        {
            "GET" => GetAsync(s3, setting),
            "PUT" => PutAsync(s3, setting),
            _ => DeleteAsync(s3, setting),
        };
    }

    private async Task GetAsync(S3Request s3, BucketSetting setting)
    {
        var (bucket, document) = await settings.GetAsync(s3.Bucket!, setting.Name, s3.Aborted).ConfigureAwait(false);
        if (bucket is null) throw BucketCatalog.NoSuchBucket(s3.Bucket!);
        document ??= setting.Default ?? throw new S3Exception(setting.Missing!)
        {
            Details = new Dictionary<string, string> { ["BucketName"] = s3.Bucket! },
        };
        var bytes = Encoding.UTF8.GetBytes(document);
        s3.Response.StatusCode = 200;
        s3.Response.ContentType = "application/xml";
        s3.Response.ContentLength = bytes.Length;
        await s3.Response.Body.WriteAsync(bytes, s3.Aborted).ConfigureAwait(false);
    }

    private async Task PutAsync(S3Request s3, BucketSetting setting)
    {
        await buckets.RequireAsync(s3.Bucket!, s3.Aborted).ConfigureAwait(false);
        var document = setting.Normalize(S3XmlBody.Parse(await SmallBody.ReadVerifiedAsync(s3, setting.Integrity, setting.Limit).ConfigureAwait(false)));
        await settings.PutAsync(s3.Bucket!, setting.Name, document, s3.Aborted).ConfigureAwait(false);
        s3.Response.StatusCode = setting.PutStatus;
    }

    private async Task DeleteAsync(S3Request s3, BucketSetting setting)
    {
        await buckets.RequireAsync(s3.Bucket!, s3.Aborted).ConfigureAwait(false);
        await settings.PutAsync(s3.Bucket!, setting.Name, null, s3.Aborted).ConfigureAwait(false);
        s3.Response.StatusCode = 204;
    }
}
