using Cairn.Auth;
using Cairn.Core.Names;
using Cairn.Index.Acl;
using Cairn.Index.Objects;

namespace Cairn.FrontDoor.Acl;

/// <summary>
/// Whether the ACLs in force allow an action: the bucket's, or the object version's (the one named, else the current
/// one). A bucket with ACLs disabled allows nothing through them; with IgnorePublicAcls grants to AllUsers and
/// AuthenticatedUsers count for nothing. A grant is an Allow: the caller consults this only when no policy denied.
/// </summary>
public sealed class AclAuthorization(BucketAccessReader access, ObjectCatalog objects)
{
    public async Task<bool> AllowsAsync(string action, string bucket, string? key, string? versionId, Principal principal, bool ignorePublic,
        CancellationToken cancellationToken)
    {
        if (AclPermissions.For(action) is not var (target, permission)) return false;
        if (target == AclTarget.Object && key is null) return false;
        var settings = await access.GetAsync(bucket, cancellationToken).ConfigureAwait(false);
        if (settings is not { AclsEnabled: true }) return false;
        if (target == AclTarget.Bucket) return AclEvaluator.Grants(settings.Acl, principal, permission, ignorePublic);
        var objectKey = ObjectKey.Parse(key!).Value;
        var version = versionId is not null
            ? await objects.GetVersionAsync(bucket, objectKey, versionId, cancellationToken).ConfigureAwait(false)
            : await objects.GetCurrentAsync(bucket, objectKey, cancellationToken).ConfigureAwait(false);
        return version is { IsDeleteMarker: false } && AclEvaluator.Grants(settings.AclOf(version), principal, permission, ignorePublic);
    }
}
