using Cairn.Auth;
using Cairn.Core.Errors;
using Cairn.Core.Names;
using Cairn.FrontDoor.Objects;
using Cairn.FrontDoor.Routing;
using Cairn.Index.Buckets;
using Cairn.Policies;

namespace Cairn.FrontDoor.Authorization;

/// <summary>
/// Decides whether a request may do what it asks, after authentication and before its handler: the operation's
/// action (<see cref="OperationActions"/>) on its resource, evaluated as IAM does over the principal's identity
/// policies and the bucket's policy, with Block Public Access applied. The root is allowed everything, as AWS's
/// account root is (and costs no read); anonymous callers have the bucket policy alone.
/// </summary>
public sealed class Authorizer(BucketSettings settings, IIdentityPolicies identities, PolicyCache cache, Acl.AclAuthorization acls, TimeProvider time)
{
    /// <summary>The bucket policy's setting name in the index.</summary>
    public const string PolicySetting = "policy";

    private static readonly string[] AccessSettings = [PolicySetting, PublicAccessBlock.SettingName];

    /// <summary>
    /// Authorizes the routed request (NoSuchBucket first, then AccessDenied) and returns the per-request authorization
    /// handlers use for what they check themselves: each key of DeleteObjects, a POST form's key.
    /// </summary>
    public async Task<RequestAuthorization> AuthorizeAsync(S3Request s3, Principal principal, AuthResult? auth)
    {
        var authorization = For(s3, principal, auth);
        if (OperationActions.Of(s3.Operation) is not { } operation) return authorization;
        switch (s3.Operation)
        {
            case S3Operation.DeleteObjects:
                // Each entry is authorized on its own, refused entries answering AccessDenied in the result.
                await authorization.ExistingBucketAsync(s3.Bucket!).ConfigureAwait(false);
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
            await authorization.RequireAsync(source.VersionId is null ? "s3:GetObject" : "s3:GetObjectVersion", S3ResourceScope.Object,
                source.Bucket, source.Key).ConfigureAwait(false);
        }
        return authorization;
    }

    /// <summary>The authorization of a request that checks what it needs itself (a website endpoint's reads, a POST form).</summary>
    public RequestAuthorization For(S3Request s3, Principal principal, AuthResult? auth) => new(this, s3, principal, auth);

    /// <summary>The bucket (NoSuchBucket when there is none), its policy and its Block Public Access, in one read.</summary>
    internal async Task<BucketAccess> ReadAsync(string bucket, CancellationToken cancellationToken)
    {
        if (!BucketName.IsValid(bucket)) throw BucketCatalog.NoSuchBucket(bucket);
        var (record, documents) = await settings.GetManyAsync(bucket, AccessSettings, cancellationToken).ConfigureAwait(false);
        if (record is null) throw BucketCatalog.NoSuchBucket(bucket);
        var policy = documents[0] is { } text ? cache.Get(text, PolicyKind.Bucket) : null;
        return new BucketAccess(policy, PublicAccessBlock.FromStored(documents[1]));
    }

    /// <summary>
    /// IAM's decision for one principal within the account: its identity policies (a user's own and its groups', an
    /// assumed role's) and the resource's policy, if any. An assumed role's session policy bounds what those allow: outside
    /// it the session is refused outright, as nothing else (an ACL) may widen a session.
    /// </summary>
    public Decision Evaluate(RequestContext context, Principal principal, PolicyDocument? resourcePolicy)
    {
        var identityPolicies = principal.Kind == PrincipalKind.Anonymous
            ? []
            : identities.PoliciesOf(principal).Select(text => cache.Get(text, PolicyKind.Identity));
        var decision = PolicyEvaluator.Evaluate(context, identityPolicies, resourcePolicy);
        return decision == Decision.Allow && principal.SessionPolicy is { } session
            && PolicyEvaluator.Evaluate(context, [cache.Get(session, PolicyKind.Identity)], null) != Decision.Allow
                ? Decision.ExplicitDeny
                : decision;
    }

    internal DateTimeOffset Now => time.GetUtcNow();

    internal Acl.AclAuthorization Acls => acls;
}

/// <summary>What authorization reads of a bucket.</summary>
public sealed record BucketAccess(PolicyDocument? Policy, PublicAccessBlock Block)
{
    /// <summary>
    /// The policy that applies to <paramref name="principal"/>: with RestrictPublicBuckets, a public policy grants
    /// nothing to callers outside the account (here: anonymous ones), as S3 restricts it.
    /// </summary>
    public PolicyDocument? PolicyFor(Principal principal) =>
        Policy is not null && Block.RestrictPublicBuckets && principal.Kind == PrincipalKind.Anonymous && PolicyPublicity.IsPublic(Policy)
            ? null
            : Policy;
}

/// <summary>One request's authorization: who asks, and the buckets read so far (a copy may name two).</summary>
public sealed class RequestAuthorization
{
    private readonly Authorizer _authorizer;
    private readonly S3Request _s3;
    private readonly AuthResult? _auth;
    private readonly Dictionary<string, BucketAccess> _buckets = new(StringComparer.Ordinal);

    internal RequestAuthorization(Authorizer authorizer, S3Request s3, Principal principal, AuthResult? auth)
    {
        _authorizer = authorizer;
        _s3 = s3;
        _auth = auth;
        Principal = principal;
    }

    public Principal Principal { get; }

    /// <summary>AccessDenied unless the request may do <paramref name="action"/> on the resource.</summary>
    public async Task RequireAsync(string action, S3ResourceScope scope, string? bucket, string? key)
    {
        if (!await IsAllowedAsync(action, scope, bucket, key).ConfigureAwait(false)) throw new S3Exception(S3ErrorCode.AccessDenied);
    }

    public async Task<bool> IsAllowedAsync(string action, S3ResourceScope scope, string? bucket, string? key)
    {
        if (Principal.Kind == PrincipalKind.Root) return true;
        // CreateBucket names a bucket that has no policy yet; account-level actions have none at all.
        var access = bucket is null || scope == S3ResourceScope.Account || _s3.Operation == S3Operation.CreateBucket
            ? null
            : await AccessAsync(bucket).ConfigureAwait(false);
        var context = RequestConditions.Fill(
            new RequestContext(action, OperationActions.Resource(scope, bucket, key), RequestConditions.PrincipalOf(Principal)),
            _s3, _auth, _authorizer.Now);
        return _authorizer.Evaluate(context, Principal, access?.PolicyFor(Principal)) switch
        {
            Decision.Allow => true,
            Decision.ExplicitDeny => false,
            // No policy allowed it and none denied it: an ACL grant still may (IgnorePublicAcls ignoring the public groups').
            _ => access is not null && await _authorizer.Acls.AllowsAsync(action, bucket!, key, VersionOf(bucket!, key), Principal,
                access.Block.IgnorePublicAcls, _s3.Aborted).ConfigureAwait(false),
        };
    }

    /// <summary>The version the request names, when the resource is the request's own object (a copy's source is read as current).</summary>
    private string? VersionOf(string bucket, string? key) =>
        bucket == _s3.Bucket && key == _s3.Key && _s3.Query["versionId"].ToString() is { Length: > 0 } id ? id : null;

    /// <summary>
    /// Whether the caller may learn that a key is missing: S3 answers NoSuchKey only to callers with s3:ListBucket on
    /// the bucket, 403 AccessDenied to the others.
    /// </summary>
    public Task<bool> MayLearnAbsenceAsync(string bucket) => IsAllowedAsync("s3:ListBucket", S3ResourceScope.Bucket, bucket, null);

    /// <summary>NoSuchBucket unless the bucket exists (read once per request, with what authorizing needs of it).</summary>
    public Task ExistingBucketAsync(string bucket) => Principal.Kind == PrincipalKind.Root ? Task.CompletedTask : AccessAsync(bucket);

    /// <summary>The bucket's Block Public Access settings (for ACL evaluation: BlockPublicAcls, IgnorePublicAcls).</summary>
    public async Task<PublicAccessBlock> PublicAccessBlockAsync(string bucket) => (await AccessAsync(bucket).ConfigureAwait(false)).Block;

    private async Task<BucketAccess> AccessAsync(string bucket)
    {
        if (_buckets.TryGetValue(bucket, out var access)) return access;
        access = await _authorizer.ReadAsync(bucket, _s3.Aborted).ConfigureAwait(false);
        _buckets[bucket] = access;
        return access;
    }
}
