using Cairn.Core.Errors;
using Cairn.Core.Names;
using Cairn.FrontDoor.Authorization;
using Cairn.FrontDoor.Routing;
using Cairn.FrontDoor.Xml;
using Cairn.Index.Buckets;
using Cairn.Index.Objects;
using Cairn.Index.Records;

namespace Cairn.FrontDoor.Objects;

/// <summary>
/// GetObjectTagging, PutObjectTagging and DeleteObjectTagging: an object's ?tagging subresource, on the
/// current version or the one ?versionId= names. Changing tags rewrites that version's record only.
/// </summary>
public sealed class ObjectTaggingHandlers(ObjectCatalog objects)
{
    public async Task GetAsync(S3Request s3)
    {
        var (key, versionId) = await AddressAsync(s3).ConfigureAwait(false);
        var version = await objects.LoadTaggableAsync(s3.Bucket!, key, versionId, s3.Aborted).ConfigureAwait(false);
        WriteVersionId(s3, version, versionId);
        using var xml = ObjectTags.ToXml(version.Tags);
        await xml.WriteToAsync(s3.Response).ConfigureAwait(false);
    }

    /// <summary>
    /// Authorized here rather than before the handler: s3:RequestObjectTag conditions read the tags of the body. A body
    /// that is not a Tagging document is refused as S3 refuses it only to a caller allowed without those keys.
    /// </summary>
    public async Task PutAsync(S3Request s3)
    {
        var (key, versionId) = await AddressAsync(s3).ConfigureAwait(false);
        var action = new AccessCheck(versionId is null ? "s3:PutObjectTagging" : "s3:PutObjectVersionTagging", s3.Bucket!, s3.Key!) { VersionId = versionId };
        Dictionary<string, string> tags;
        try
        {
            tags = ObjectTags.FromXml(S3XmlBody.Parse(await SmallBody.ReadVerifiedAsync(s3).ConfigureAwait(false)));
        }
        catch (S3Exception)
        {
            await s3.Authorization.RequireAsync(action).ConfigureAwait(false);
            throw;
        }
        await s3.Authorization.RequireAsync(action with { RequestTags = tags }).ConfigureAwait(false);
        var version = await objects.ReplaceTagsAsync(s3.Bucket!, key, versionId, tags, s3.Aborted).ConfigureAwait(false);
        WriteVersionId(s3, version, versionId);
        s3.Response.StatusCode = 200;
    }

    public async Task DeleteAsync(S3Request s3)
    {
        var (key, versionId) = await AddressAsync(s3).ConfigureAwait(false);
        var version = await objects.ReplaceTagsAsync(s3.Bucket!, key, versionId, new(StringComparer.Ordinal), s3.Aborted).ConfigureAwait(false);
        WriteVersionId(s3, version, versionId);
        s3.Response.StatusCode = 204;
    }

    private async Task<(string Key, string? VersionId)> AddressAsync(S3Request s3)
    {
        await s3.BucketAsync().ConfigureAwait(false);
        var versionId = s3.Query["versionId"].ToString();
        return (ObjectKey.Parse(s3.Key!).Value, versionId.Length > 0 ? versionId : null);
    }

    /// <summary>A "null" version is named only when the client named it, as for DELETE.</summary>
    internal static void WriteVersionId(S3Request s3, VersionRecord version, string? requested)
    {
        if (requested is not null || version.VersionId != VersionIds.Null) s3.Response.Headers["x-amz-version-id"] = version.VersionId;
    }
}
