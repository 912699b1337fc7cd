using Cairn.Auth;
using Cairn.Core.Errors;
using Cairn.Core.Names;
using Cairn.FrontDoor.Objects;
using Cairn.FrontDoor.Routing;
using Cairn.Index.Buckets;
using Cairn.Index.Objects;
using Cairn.Index.Records;
using Cairn.Policies;

namespace Cairn.FrontDoor.Authorization;

/// <summary>
/// Decides whether a request may do what it asks, after authentication and before its handler: the operation's
/// action (<see cref="OperationActions"/>) on its resource, evaluated as IAM does over the principal's identity
/// policies and the bucket's policy, with Block Public Access applied. The root needs no Allow and has no identity
/// policies, but a bucket policy's explicit Deny binds it too — except for Get/Put/DeleteBucketPolicy, which the
/// root can always do, as S3 keeps a bucket owner from locking itself out. Anonymous callers have the bucket policy
/// alone. The bucket is read once per request, here, and the handlers take it from <see cref="RequestAuthorization"/>.
/// </summary>
public sealed class Authorizer(BucketSettings settings, ObjectCatalog objects, IIdentityPolicies identities, PolicyCache cache, TimeProvider time)
{
    /// <summary>The bucket policy's setting name in the index.</summary>
    public const string PolicySetting = "policy";

    // Everything a request needs of its bucket besides the record, lifecycle and default encryption that every read holds.
    private static readonly string[] AccessSettings = [PolicySetting, PublicAccessBlock.SettingName, AclSettings.Ownership, AclSettings.BucketAcl];

    /// <summary>
    /// Authorizes the routed request (NoSuchBucket first, then AccessDenied) and returns the per-request authorization
    /// handlers use for what they check themselves (each key of DeleteObjects, a POST form's key, the tags of a
    /// PutObjectTagging body) and for the bucket it read.
    /// </summary>
    public async Task<RequestAuthorization> AuthorizeAsync(S3Request s3, Principal principal, AuthResult? auth)
    {
        var authorization = For(s3, principal, auth);
        if (OperationActions.Of(s3.Operation) is not { } operation) return authorization;
        switch (s3.Operation)
        {
            // Each entry of DeleteObjects is authorized on its own, refused entries answering AccessDenied in the result;
            // PutObjectTagging's s3:RequestObjectTag keys come from its body, which its handler reads.
            case S3Operation.DeleteObjects or S3Operation.PutObjectTagging:
                await authorization.BucketAsync(s3.Bucket!).ConfigureAwait(false);
                return authorization;
            case S3Operation.PostObject:
                // The form names the key, and its own fields the credentials: the form handler authorizes.
                return authorization;
        }

        var versionId = s3.Query["versionId"].ToString();
        await authorization.RequireAsync(operation.For(versionId), operation.Scope, s3.Bucket, s3.Key).ConfigureAwait(false);
        if (s3.Operation is S3Operation.CopyObject or S3Operation.UploadPartCopy && s3.Header("x-amz-copy-source") is { } header)
        {
            var source = CopySource.Parse(header);
            await authorization.RequireAsync(new AccessCheck(source.VersionId is null ? "s3:GetObject" : "s3:GetObjectVersion", source.Bucket, source.Key)
            {
                VersionId = source.VersionId,
            }).ConfigureAwait(false);
        }
        return authorization;
    }

    /// <summary>The authorization of a request that checks what it needs itself (a website endpoint's reads, a POST form).</summary>
    public RequestAuthorization For(S3Request s3, Principal principal, AuthResult? auth) => new(this, s3, principal, auth);

    /// <summary>The bucket (NoSuchBucket when there is none) with its policy, Block Public Access and ACL settings, in one read.</summary>
    internal async Task<BucketAccess> ReadAsync(string bucket, CancellationToken cancellationToken)
    {
        if (!BucketName.IsValid(bucket)) throw BucketCatalog.NoSuchBucket(bucket);
        var state = await settings.ReadAsync(bucket, AccessSettings, cancellationToken).ConfigureAwait(false) ?? throw BucketCatalog.NoSuchBucket(bucket);
        var policy = state.Settings[0] is { } text ? cache.Get(text, PolicyKind.Bucket) : null;
        var acls = new Index.Acl.BucketAccess(state.Record, AclSettings.OwnershipOf(state.Settings[2]), AclSettings.DecodeAcl(state.Settings[3]));
        return new BucketAccess(state, policy, cache.PublicAccessBlockOf(state.Settings[1]), acls);
    }

    /// <summary>The version an object action is checked on (the one named, else the current one); null when there is none.</summary>
    internal async Task<VersionRecord?> ReadVersionAsync(string bucket, string key, string? versionId, CancellationToken cancellationToken)
    {
        var objectKey = ObjectKey.Parse(key).Value;
        return versionId is not null
            ? await objects.GetVersionAsync(bucket, objectKey, versionId, cancellationToken).ConfigureAwait(false)
            : await objects.GetCurrentAsync(bucket, objectKey, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// IAM's decision for one principal within the account: its identity policies (a user's own and its groups', an
    /// assumed role's) and the resource's policy, if any. An assumed role's session policy bounds what those allow: outside
    /// it the session is refused outright, as nothing else (an ACL) may widen a session.
    /// </summary>
    public Decision Evaluate(RequestContext context, Principal principal, PolicyDocument? resourcePolicy) =>
        Evaluate(context, principal, IdentityPoliciesOf(principal), resourcePolicy);

    /// <summary>The same decision over identity policies already parsed (<see cref="IdentityPoliciesOf"/>).</summary>
    internal Decision Evaluate(RequestContext context, Principal principal, IReadOnlyList<PolicyDocument> identityPolicies, PolicyDocument? resourcePolicy)
    {
        var decision = PolicyEvaluator.Evaluate(context, identityPolicies, resourcePolicy);
        return decision == Decision.Allow && SessionPolicyOf(principal) is { } session
            && PolicyEvaluator.Evaluate(context, [session], null) != Decision.Allow
                ? Decision.ExplicitDeny
                : decision;
    }

    internal IReadOnlyList<PolicyDocument> IdentityPoliciesOf(Principal principal) => principal.Kind == PrincipalKind.Anonymous
        ? []
        : [.. identities.PoliciesOf(principal).Select(text => cache.Get(text, PolicyKind.Identity))];

    internal PolicyDocument? SessionPolicyOf(Principal principal) => principal.SessionPolicy is { } text ? cache.Get(text, PolicyKind.Identity) : null;

    internal DateTimeOffset Now => time.GetUtcNow();
}

/// <summary>
/// A bucket as a request read it, once: the record, lifecycle rules and default encryption its handler needs, and the
/// policy, Block Public Access and ACL settings authorization needs.
/// </summary>
public sealed record BucketAccess(BucketState State, PolicyDocument? Policy, PublicAccessBlock Block, Index.Acl.BucketAccess Acls)
{
    public BucketRecord Bucket => State.Record;

    public StoredLifecycle? Lifecycle => State.Lifecycle;

    /// <summary>The bucket's default encryption document; null when none is set.</summary>
    public string? DefaultEncryption => State.Encryption;

    /// <summary>
    /// The policy that applies to <paramref name="principal"/>: with RestrictPublicBuckets, a public policy grants
    /// nothing to callers outside the account (here: anonymous ones), as S3 restricts it.
    /// </summary>
    public PolicyDocument? PolicyFor(Principal principal) =>
        Policy is not null && Block.RestrictPublicBuckets && principal.Kind == PrincipalKind.Anonymous && PolicyPublicity.IsPublic(Policy)
            ? null
            : Policy;
}

/// <summary>
/// What one check asks: an action on a resource, with, for object actions, the version it names (null: the current
/// one; the object's tags are read from it for s3:ExistingObjectTag) and the tags the request sets (null: those of its
/// x-amz-tagging header), for s3:RequestObjectTag.
/// </summary>
public sealed record AccessCheck(string Action, S3ResourceScope Scope, string? Bucket, string? Key)
{
    public AccessCheck(string action, string bucket, string key) : this(action, S3ResourceScope.Object, bucket, key)
    {
    }

    public string? VersionId { get; init; }

    public IReadOnlyDictionary<string, string>? RequestTags { get; init; }
}

/// <summary>One request's authorization: who asks, and the buckets and versions read so far (a copy may name two).</summary>
public sealed class RequestAuthorization
{
    // S3 lets the account's root manage the bucket policy whatever it says, so that an owner cannot lock itself out.
    private static readonly HashSet<string> RootAlwaysMay = new(StringComparer.OrdinalIgnoreCase) { "s3:GetBucketPolicy", "s3:PutBucketPolicy", "s3:DeleteBucketPolicy" };

    private readonly Authorizer _authorizer;
    private readonly S3Request _s3;
    private readonly AuthResult? _auth;
    private readonly Dictionary<string, BucketAccess> _buckets = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Bucket, string Key, string? VersionId), VersionRecord?> _versions = [];

    internal RequestAuthorization(Authorizer authorizer, S3Request s3, Principal principal, AuthResult? auth)
    {
        _authorizer = authorizer;
        _s3 = s3;
        _auth = auth;
        Principal = principal;
    }

    public Principal Principal { get; }

    /// <summary>AccessDenied unless the request may do <paramref name="action"/> on the resource.</summary>
    public Task RequireAsync(string action, S3ResourceScope scope, string? bucket, string? key) =>
        RequireAsync(new AccessCheck(action, scope, bucket, key) { VersionId = VersionOf(bucket, key) });

    /// <summary>AccessDenied unless the request may do what <paramref name="access"/> asks.</summary>
    public async Task RequireAsync(AccessCheck access)
    {
        if (!await IsAllowedAsync(access).ConfigureAwait(false)) throw new S3Exception(S3ErrorCode.AccessDenied);
    }

    public Task<bool> IsAllowedAsync(string action, S3ResourceScope scope, string? bucket, string? key) =>
        IsAllowedAsync(new AccessCheck(action, scope, bucket, key) { VersionId = VersionOf(bucket, key) });

    public async Task<bool> IsAllowedAsync(AccessCheck asked)
    {
        var (action, scope, bucket, key) = asked;
        // CreateBucket names a bucket that has no policy yet; account-level actions have none at all.
        var access = bucket is null || scope == S3ResourceScope.Account || _s3.Operation == S3Operation.CreateBucket
            ? null
            : await BucketAsync(bucket).ConfigureAwait(false);
        var bucketPolicy = access?.PolicyFor(Principal);
        var root = Principal.Kind == PrincipalKind.Root;
        // The root needs no Allow: only a bucket policy that denies can refuse it, so without one nothing is evaluated.
        if (root && (bucketPolicy is null || RootAlwaysMay.Contains(action))) return true;
        var identityPolicies = root ? [] : _authorizer.IdentityPoliciesOf(Principal);
        var sessionPolicy = _authorizer.SessionPolicyOf(Principal);

        var context = RequestConditions.Fill(
            new RequestContext(action, OperationActions.Resource(scope, bucket, key), RequestConditions.PrincipalOf(Principal)),
            _s3, _auth, _authorizer.Now, asked.RequestTags);
        // s3:ExistingObjectTag costs reading the object: only when a policy that applies asks for it.
        if (key is not null && ExistingObjectTags.Apply(action)
            && (bucketPolicy?.ReadsExistingObjectTags == true || sessionPolicy?.ReadsExistingObjectTags == true || identityPolicies.Any(p => p.ReadsExistingObjectTags))
            && await VersionAsync(bucket!, key, asked.VersionId).ConfigureAwait(false) is { IsDeleteMarker: false } existing)
            RequestConditions.AddExistingTags(context, existing.Tags);

        var decision = _authorizer.Evaluate(context, Principal, identityPolicies, bucketPolicy);
        if (root) return decision != Decision.ExplicitDeny;
        return decision switch
        {
            Decision.Allow => true,
            Decision.ExplicitDeny => false,
            // No policy allowed it and none denied it: an ACL grant still may (IgnorePublicAcls ignoring the public groups').
            _ => access is not null && await AclAllowsAsync(action, access, bucket!, key, asked.VersionId).ConfigureAwait(false),
        };
    }

    private async Task<bool> AclAllowsAsync(string action, BucketAccess access, string bucket, string? key, string? versionId)
    {
        if (Acl.AclPermissions.For(action) is not var (target, permission) || !access.Acls.AclsEnabled) return false;
        if (target == Acl.AclTarget.Bucket) return Acl.AclEvaluator.Grants(access.Acls.Acl, Principal, permission, access.Block.IgnorePublicAcls);
        return key is not null && await VersionAsync(bucket, key, versionId).ConfigureAwait(false) is { IsDeleteMarker: false } version
            && Acl.AclEvaluator.Grants(access.Acls.AclOf(version), Principal, permission, access.Block.IgnorePublicAcls);
    }

    /// <summary>The version the request names, when the resource is the request's own object (a copy's source names its own).</summary>
    private string? VersionOf(string? bucket, string? key) =>
        bucket == _s3.Bucket && key == _s3.Key && _s3.Query["versionId"].ToString() is { Length: > 0 } id ? id : null;

    /// <summary>
    /// Whether the caller may learn that a key is missing: S3 answers NoSuchKey only to callers with s3:ListBucket on
    /// the bucket, 403 AccessDenied to the others.
    /// </summary>
    public Task<bool> MayLearnAbsenceAsync(string bucket) => IsAllowedAsync("s3:ListBucket", S3ResourceScope.Bucket, bucket, null);

    /// <summary>
    /// The bucket (NoSuchBucket when there is none) as this request read it: read once, by the first of authorization
    /// and the handler to need it, and shared by both.
    /// </summary>
    public async Task<BucketAccess> BucketAsync(string bucket)
    {
        if (_buckets.TryGetValue(bucket, out var access)) return access;
        access = await _authorizer.ReadAsync(bucket, _s3.Aborted).ConfigureAwait(false);
        _buckets[bucket] = access;
        return access;
    }

    private async Task<VersionRecord?> VersionAsync(string bucket, string key, string? versionId)
    {
        if (_versions.TryGetValue((bucket, key, versionId), out var version)) return version;
        version = await _authorizer.ReadVersionAsync(bucket, key, versionId, _s3.Aborted).ConfigureAwait(false);
        _versions[(bucket, key, versionId)] = version;
        return version;
    }
}
