using System.Text;
using Cairn.Core.Errors;
using Cairn.FrontDoor.Buckets;
using Cairn.FrontDoor.Objects;
using Cairn.FrontDoor.Routing;
using Cairn.Index.Buckets;
using Cairn.Lifecycle;

namespace Cairn.FrontDoor.Lifecycle;

/// <summary>Put, Get and DeleteBucketLifecycleConfiguration. A configuration is validated whole and replaces the previous one.</summary>
public sealed class LifecycleConfigurationHandlers(LifecycleStore store)
{
    private const string MinimumSizeHeader = "x-amz-transition-default-minimum-object-size";

    public async Task PutAsync(S3Request s3)
    {
        await s3.BucketAsync().ConfigureAwait(false);
        var minimumSize = s3.Header(MinimumSizeHeader) ?? TransitionSizeFloor.AllStorageClasses128K;
        if (!TransitionSizeFloor.IsKnown(minimumSize))
            throw new S3Exception(S3ErrorCode.InvalidArgument, $"Invalid {MinimumSizeHeader}: use {TransitionSizeFloor.AllStorageClasses128K} or {TransitionSizeFloor.VariesByStorageClass}.");
        var configuration = LifecycleXml.Parse(await SmallBody.ReadVerifiedAsync(s3, BodyIntegrity.Required).ConfigureAwait(false));
        // Stored as S3 will return it: rule ids assigned, elements in AWS's order.
        await store.PutAsync(s3.Bucket!, new StoredLifecycle(LifecycleXml.Write(configuration), minimumSize), s3.Aborted).ConfigureAwait(false);
        s3.Response.Headers[MinimumSizeHeader] = minimumSize;
        s3.Response.StatusCode = 200;
    }

    public async Task GetAsync(S3Request s3)
    {
        await s3.BucketAsync().ConfigureAwait(false);
        var stored = await store.GetAsync(s3.Bucket!, s3.Aborted).ConfigureAwait(false)
            ?? throw new S3Exception(S3ErrorCode.NoSuchLifecycleConfiguration) { Details = new Dictionary<string, string> { ["BucketName"] = s3.Bucket! } };
        var xml = Encoding.UTF8.GetBytes(stored.Xml);
        s3.Response.StatusCode = 200;
        s3.Response.ContentType = "application/xml";
        s3.Response.Headers[MinimumSizeHeader] = stored.TransitionDefaultMinimumObjectSize;
        s3.Response.ContentLength = xml.Length;
        await s3.Response.Body.WriteAsync(xml, s3.Aborted).ConfigureAwait(false);
    }

    public async Task DeleteAsync(S3Request s3)
    {
        await s3.BucketAsync().ConfigureAwait(false);
        await store.DeleteAsync(s3.Bucket!, s3.Aborted).ConfigureAwait(false);
        s3.Response.StatusCode = 204;
    }
}
