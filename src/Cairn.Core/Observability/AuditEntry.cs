namespace Cairn.Core.Observability;

/// <summary>
/// One line of the audit log: who did what, when, from where, and how it ended. Every mutating S3, IAM or STS request,
/// every admin action and every console sign-in (successful or not) is one entry.
/// </summary>
/// <param name="Actor">The principal's ARN, <c>anonymous</c>, or for a failed sign-in the access key id that was tried.</param>
/// <param name="Source">The client's IP address.</param>
/// <param name="Api"><c>s3</c>, <c>iam</c>, <c>sts</c>, <c>admin</c> or <c>console</c>.</param>
/// <param name="Action">The operation (e.g. <c>PutObject</c>, <c>CreateUser</c>, <c>scrub</c>, <c>SignIn</c>).</param>
/// <param name="ErrorCode">The error answered, or null when the action succeeded.</param>
public sealed record AuditEntry(
    DateTimeOffset Time,
    string RequestId,
    string Actor,
    string Source,
    string Api,
    string Action,
    string? Bucket,
    string? Key,
    string? VersionId,
    int Status,
    string? ErrorCode)
{
    public bool Succeeded => ErrorCode is null && Status < 400;

    /// <summary>The node that served the request, named when a cluster's entries are read together; never written to a node's files.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? Node { get; init; }
}

/// <summary>Which entries to read, newest first.</summary>
public sealed record AuditQuery(
    DateTimeOffset? Since = null,
    DateTimeOffset? Until = null,
    string? Actor = null,
    string? Api = null,
    string? Action = null,
    string? Bucket = null,
    bool FailuresOnly = false,
    int Limit = 100);

/// <summary>
/// The node's audit log: entries are written durably (an append completes once its entry is on disk) to rotating
/// files, and read back newest first.
/// </summary>
public interface IAuditLog
{
    ValueTask AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default);

    IAsyncEnumerable<AuditEntry> ReadAsync(AuditQuery query, CancellationToken cancellationToken = default);
}

/// <summary>The audit log as an operator reads it: a node alone reads its own files; a cluster node, every node's entries.</summary>
public interface IAuditReader
{
    IAsyncEnumerable<AuditEntry> ReadAsync(AuditQuery query, CancellationToken cancellationToken = default);
}
