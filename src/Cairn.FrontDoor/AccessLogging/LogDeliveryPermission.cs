using System.Globalization;
using Cairn.Auth;
using Cairn.FrontDoor.Authorization;
using Cairn.Index.Acl;
using Cairn.Index.Records;
using Cairn.Policies;

namespace Cairn.FrontDoor.AccessLogging;

/// <summary>
/// Whether the target bucket lets S3's logging service write a log object, as S3 checks at each delivery: its bucket
/// policy allows the service principal <c>logging.s3.amazonaws.com</c> s3:PutObject on the key (with aws:SourceArn the
/// source bucket's ARN and aws:SourceAccount its account), or — on a bucket with ACLs enabled and no policy denying it —
/// its ACL grants the LogDelivery group WRITE.
/// </summary>
public sealed class LogDeliveryPermission(Authorizer authorizer, BucketAccessReader access, TimeProvider time)
{
    public const string ServiceName = "logging.s3.amazonaws.com";

    private static readonly RequestPrincipal LoggingService = new(RequestPrincipalType.Service, ServiceName, "") { UserId = ServiceName };

    public async Task<bool> AllowsAsync(string target, string source, string key, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var context = new RequestContext("s3:PutObject", $"arn:aws:s3:::{target}/{key}", LoggingService)
            .With("aws:SourceArn", $"arn:aws:s3:::{source}")
            .With("aws:SourceAccount", Principal.AccountId)
            .With("aws:PrincipalServiceName", ServiceName)
            .With("aws:PrincipalServiceNamesList", ServiceName)
            .With("aws:SecureTransport", "true")
            .With("aws:CurrentTime", now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture))
            .With("aws:EpochTime", now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        var policy = (await authorizer.ReadAsync(target, cancellationToken).ConfigureAwait(false)).Policy;
        switch (policy is null ? Decision.ImplicitDeny : PolicyEvaluator.Evaluate(context, policy, isResourcePolicy: true))
        {
            case Decision.Allow:
                return true;
            case Decision.ExplicitDeny:
                return false;
        }
        var settings = await access.GetAsync(target, cancellationToken).ConfigureAwait(false);
        return settings is { AclsEnabled: true } && settings.Acl.Grants.Any(grant => grant.Grantee.Uri == AclGrantee.LogDelivery
            && grant.Permission is AclPermission.WRITE or AclPermission.FULL_CONTROL);
    }
}
