using Cairn.Core.Errors;
using Cairn.Core.Names;
using Cairn.FrontDoor.Objects;
using Cairn.FrontDoor.Routing;
using Cairn.FrontDoor.Xml;
using Cairn.Index.Buckets;

namespace Cairn.FrontDoor.AccessLogging;

/// <summary>
/// GetBucketLogging and PutBucketLogging. A PUT names a target bucket that must exist, belong to the source bucket's
/// owner and sit in its region, as S3 checks when logging is enabled; whether the target lets the logging service write
/// is checked at each delivery (<see cref="LogDeliveryPermission"/>), as in S3. An empty BucketLoggingStatus disables.
/// </summary>
public sealed class BucketLoggingHandlers(BucketCatalog buckets, BucketSettings settings)
{
    public static bool Serves(S3Operation operation) => operation is S3Operation.GetBucketLogging or S3Operation.PutBucketLogging;

    public Task HandleAsync(S3Request s3) => s3.Operation == S3Operation.GetBucketLogging ? GetAsync(s3) : PutAsync(s3);

    private async Task GetAsync(S3Request s3)
    {
        var (bucket, document) = await settings.GetAsync(s3.Bucket!, LoggingStatus.SettingName, s3.Aborted).ConfigureAwait(false);
        if (bucket is null) throw BucketCatalog.NoSuchBucket(s3.Bucket!);
        var bytes = System.Text.Encoding.UTF8.GetBytes(document ?? LoggingStatus.Disabled);
        s3.Response.StatusCode = 200;
        s3.Response.ContentType = "application/xml";
        s3.Response.ContentLength = bytes.Length;
        await s3.Response.Body.WriteAsync(bytes, s3.Aborted).ConfigureAwait(false);
    }

    private async Task PutAsync(S3Request s3)
    {
        var source = await buckets.RequireAsync(s3.Bucket!, s3.Aborted).ConfigureAwait(false);
        // The SDKs' model marks PutBucketLogging's body as needing an integrity check, as S3 requires.
        var status = LoggingStatus.Parse(S3XmlBody.Parse(await SmallBody.ReadVerifiedAsync(s3, BodyIntegrity.Required).ConfigureAwait(false)));
        if (status is not null)
        {
            var target = BucketName.IsValid(status.TargetBucket) ? await buckets.GetAsync(status.TargetBucket, s3.Aborted).ConfigureAwait(false) : null;
            if (target is null) throw Refused(S3ErrorCode.InvalidTargetBucketForLogging, "The target bucket for logging does not exist", "TargetBucket", status.TargetBucket);
            if (target.Owner != source.Owner)
                throw Refused(S3ErrorCode.InvalidTargetBucketForLogging, "The owner for the bucket to be logged and the target bucket must be the same.", "TargetBucket", status.TargetBucket);
            if (target.Region != source.Region)
                throw Refused(S3ErrorCode.CrossLocationLoggingProhibitted, "Cross S3 location logging not allowed. ", "TargetBucketLocation", target.Region);
        }
        await settings.PutAsync(s3.Bucket!, LoggingStatus.SettingName, status?.ToXml(), s3.Aborted).ConfigureAwait(false);
        s3.Response.StatusCode = 200;
    }

    private static S3Exception Refused(S3ErrorCode code, string message, string detail, string value) =>
        new(code, message) { Details = new Dictionary<string, string> { [detail] = value } };
}
