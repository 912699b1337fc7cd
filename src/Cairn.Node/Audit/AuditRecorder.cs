using System.Collections.Frozen;
using Cairn.Core.Observability;
using Cairn.FrontDoor.Hosting;
using Cairn.FrontDoor.Observability;
using Microsoft.Extensions.Logging;

namespace Cairn.Node.Audit;

/// <summary>
/// Puts in the audit log every request that asked to change something (any method but GET, HEAD and OPTIONS: S3 writes,
/// every IAM and STS call), every admin call, and every request refused for its credentials — the S3 API's failed
/// sign-ins. The entry is on disk before the response starts, so a client that got an answer knows it was recorded.
/// </summary>
public sealed partial class AuditRecorder(IAuditLog audit, ILogger<AuditRecorder> log) : IResponseGate
{
    private static readonly FrozenSet<string> CredentialRefusals = FrozenSet.ToFrozenSet(
    [
        "AccessDenied", "SignatureDoesNotMatch", "InvalidAccessKeyId", "InvalidClientTokenId", "ExpiredToken", "InvalidToken",
        "TokenRefreshRequired", "RequestTimeTooSkewed", "AuthorizationHeaderMalformed", "IncompleteSignature", "AuthorizationQueryParametersError",
    ], StringComparer.Ordinal);

    public async ValueTask BeforeResponseAsync(RequestRecord record)
    {
        if (!Audited(record)) return;
        try
        {
            await audit.AppendAsync(Entry(record)).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // The request's own outcome stands: an audit log that cannot be written is logged, not turned into a refusal.
            LogAppendFailed(e, record.RequestId);
        }
    }

    public static bool Audited(RequestRecord record) =>
        record.IsMutating || record.Api == "admin" || record.ErrorCode is { } code && CredentialRefusals.Contains(code);

    public static AuditEntry Entry(RequestRecord record) => new(
        record.Started, record.RequestId,
        Actor: record.Auth?.Principal.Arn ?? record.AccessKey ?? "anonymous",
        Source: record.RemoteAddress,
        Api: record.Api,
        Action: ActionOf(record),
        record.Bucket, record.Key, record.VersionId, record.Status, record.ErrorCode);

    private static string ActionOf(RequestRecord record) => record.Api switch
    {
        "admin" => record.Action is { } path && path.StartsWith(AdminPaths.Prefix, StringComparison.Ordinal) ? path[AdminPaths.Prefix.Length..] : record.Action ?? record.Method,
        _ => record.Operation?.ToString() ?? record.Action ?? record.Method,
    };

    [LoggerMessage(Level = LogLevel.Error, Message = "The audit entry of request {RequestId} could not be written")]
    private partial void LogAppendFailed(Exception e, string requestId);
}
