using Cairn.Core.Errors;
using Cairn.Core.Names;
using Cairn.FrontDoor.Routing;
using Cairn.FrontDoor.Xml;
using Cairn.Index.Buckets;
using Cairn.Index.Objects;
using Cairn.Policies;

namespace Cairn.FrontDoor.Objects;

/// <summary>DeleteObjects (POST ?delete): up to 1000 keys, each deleted or reaped as a single DELETE would.</summary>
public sealed class DeleteObjectsHandler(ObjectCatalog objects)
{
    private const int MaxObjects = 1000;

    public async Task HandleAsync(S3Request s3)
    {
        await s3.BucketAsync().ConfigureAwait(false);
        var root = S3XmlBody.Parse(await SmallBody.ReadVerifiedAsync(s3, BodyIntegrity.RequiredForDelete, BodyLimit.DeleteObjects).ConfigureAwait(false)).Root;
        if (root?.Name.LocalName != "Delete") throw new S3Exception(S3ErrorCode.MalformedXML);
        var quiet = root.Child("Quiet")?.Value == "true";
        var targets = root.Elements().Where(e => e.Name.LocalName == "Object")
            .Select(o => (Key: o.Child("Key")?.Value, VersionId: o.Child("VersionId")?.Value, ETag: o.Child("ETag")?.Value, LastModifiedTime: o.Child("LastModifiedTime")?.Value, Size: o.Child("Size")?.Value))
            .ToList();
        if (targets.Count == 0 || targets.Count > MaxObjects || targets.Any(t => t.Key is null)) throw new S3Exception(S3ErrorCode.MalformedXML);

        var bypassGovernance = ObjectLock.ObjectLockHeaders.BypassesGovernance(s3.Request);
        var record = Observability.RequestRecord.Of(s3.Http);
        using var xml = new S3Xml("DeleteResult");
        foreach (var (key, versionId, etag, lastModified, size) in targets)
        {
            try
            {
                var parsed = ObjectKey.Parse(key!).Value;
                // Each entry needs s3:DeleteObject (s3:DeleteObjectVersion with a version) on its own key.
                var action = string.IsNullOrEmpty(versionId) ? "s3:DeleteObject" : "s3:DeleteObjectVersion";
                await s3.Authorization.RequireAsync(action, S3ResourceScope.Object, s3.Bucket, parsed).ConfigureAwait(false);
                var condition = WriteConditions.ForDelete(etag, lastModified, size);
                if (!string.IsNullOrEmpty(versionId))
                {
                    var removed = await objects.DeleteVersionAsync(s3.Bucket!, parsed, versionId, condition, bypassGovernance: bypassGovernance,
                        cancellationToken: s3.Aborted).ConfigureAwait(false);
                    record?.AddBatchDeletion(key!, versionId);
                    if (quiet) continue;
                    xml.Open("Deleted").Element("Key", key).Element("VersionId", versionId);
                    if (removed?.IsDeleteMarker == true) xml.Element("DeleteMarker", true).Element("DeleteMarkerVersionId", versionId);
                    xml.Close();
                }
                else
                {
                    var marker = await objects.DeleteAsync(s3.Bucket!, parsed, condition, cancellationToken: s3.Aborted).ConfigureAwait(false);
                    record?.AddBatchDeletion(key!, null);
                    if (quiet) continue;
                    xml.Open("Deleted").Element("Key", key);
                    if (marker is not null) xml.Element("DeleteMarker", true).Element("DeleteMarkerVersionId", marker.VersionId);
                    xml.Close();
                }
            }
            catch (S3Exception e)
            {
                xml.Open("Error").Element("Key", key).Element("VersionId", versionId).Element("Code", e.Code.Code).Element("Message", e.Message).Close();
            }
        }
        await xml.WriteToAsync(s3.Response).ConfigureAwait(false);
    }
}
