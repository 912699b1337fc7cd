using Cairn.Auth;
using Cairn.FrontDoor.Routing;
using Cairn.Index.Acl;
using Cairn.Index.Objects;

namespace Cairn.FrontDoor.Acl;

/// <summary>
/// Whether the ACLs in force allow a request: the bucket's, or the object version's it names (the current one unless
/// ?versionId= says otherwise). A bucket with ACLs disabled allows nothing through them; IgnorePublicAcls makes grants to
/// AllUsers and AuthenticatedUsers count for nothing. A grant is an Allow: an explicit Deny of a policy still wins.
/// </summary>
public sealed class AclAuthorization(BucketAccessReader access, ObjectCatalog objects, IPublicAclGuard guard)
{
    public async Task<bool> AllowsAsync(S3Request s3, Principal principal)
    {
        if (s3.Bucket is null || AclPermissions.For(s3.Operation) is not var (target, permission)) return false;
        if (target == AclTarget.Object && s3.Key is null) return false;
        var bucket = await access.GetAsync(s3.Bucket, s3.Aborted).ConfigureAwait(false);
        if (bucket is not { AclsEnabled: true }) return false;
        var ignorePublic = await guard.IgnoresPublicAclsAsync(s3.Bucket, s3.Aborted).ConfigureAwait(false);
        if (target == AclTarget.Bucket) return AclEvaluator.Grants(bucket.Acl, principal, permission, ignorePublic);
        var versionId = s3.Query["versionId"].ToString();
        var key = Cairn.Core.Names.ObjectKey.Parse(s3.Key!).Value;
        var version = versionId.Length > 0
            ? await objects.GetVersionAsync(s3.Bucket, key, versionId, s3.Aborted).ConfigureAwait(false)
            : await objects.GetCurrentAsync(s3.Bucket, key, s3.Aborted).ConfigureAwait(false);
        return version is { IsDeleteMarker: false } && AclEvaluator.Grants(bucket.AclOf(version), principal, permission, ignorePublic);
    }
}
