using System.Text.Json.Serialization;

namespace Cairn.Index.Commands;

/// <summary>
/// One change of the index, as data: serialisable (a Raft log carries it as bytes), applied by one
/// deterministic function inside the shard that owns its keys. It carries everything the apply may not
/// take from the node it runs on: the time the request was accepted, and the random parts of new ids.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "command")]
[JsonDerivedType(typeof(CreateBucket), "create-bucket")]
[JsonDerivedType(typeof(DeleteBucket), "delete-bucket")]
[JsonDerivedType(typeof(CloseBucket), "close-bucket")]
[JsonDerivedType(typeof(ReopenBucket), "reopen-bucket")]
[JsonDerivedType(typeof(PutBucketVersioning), "put-bucket-versioning")]
[JsonDerivedType(typeof(PutBucketLifecycle), "put-bucket-lifecycle")]
[JsonDerivedType(typeof(PutBucketSetting), "put-bucket-setting")]
[JsonDerivedType(typeof(PutObjectLockConfiguration), "put-object-lock-configuration")]
[JsonDerivedType(typeof(PutObjectRetention), "put-object-retention")]
[JsonDerivedType(typeof(PutObjectLegalHold), "put-object-legal-hold")]
[JsonDerivedType(typeof(PutVersion), "put-version")]
[JsonDerivedType(typeof(DeleteObject), "delete-object")]
[JsonDerivedType(typeof(DeleteVersion), "delete-version")]
[JsonDerivedType(typeof(ReplaceTags), "replace-tags")]
[JsonDerivedType(typeof(Acl.PutObjectAcl), "put-object-acl")]
[JsonDerivedType(typeof(RestoreVersion), "restore-version")]
[JsonDerivedType(typeof(TransitionVersion), "transition-version")]
[JsonDerivedType(typeof(ReplaceLayout), "replace-layout")]
[JsonDerivedType(typeof(CreateUpload), "create-upload")]
[JsonDerivedType(typeof(PutPart), "put-part")]
[JsonDerivedType(typeof(CompleteUpload), "complete-upload")]
[JsonDerivedType(typeof(AbortUpload), "abort-upload")]
[JsonDerivedType(typeof(ForgetFree), "forget-free")]
[JsonDerivedType(typeof(ForgetDegraded), "forget-degraded")]
[JsonDerivedType(typeof(CreateUser), "create-user")]
[JsonDerivedType(typeof(DeleteUser), "delete-user")]
[JsonDerivedType(typeof(CreateAccessKey), "create-access-key")]
[JsonDerivedType(typeof(UpdateAccessKey), "update-access-key")]
[JsonDerivedType(typeof(DeleteAccessKey), "delete-access-key")]
[JsonDerivedType(typeof(PutInlinePolicy), "put-inline-policy")]
[JsonDerivedType(typeof(DeleteInlinePolicy), "delete-inline-policy")]
[JsonDerivedType(typeof(CreateRole), "create-role")]
[JsonDerivedType(typeof(DeleteRole), "delete-role")]
[JsonDerivedType(typeof(UpdateAssumeRolePolicy), "update-assume-role-policy")]
[JsonDerivedType(typeof(CreateGroup), "create-group")]
[JsonDerivedType(typeof(DeleteGroup), "delete-group")]
[JsonDerivedType(typeof(AddUserToGroup), "add-user-to-group")]
[JsonDerivedType(typeof(RemoveUserFromGroup), "remove-user-from-group")]
[JsonDerivedType(typeof(SplitShard), "split-shard")]
[JsonDerivedType(typeof(SubsumeShard), "subsume-shard")]
[JsonDerivedType(typeof(MergeShard), "merge-shard")]
public abstract record IndexCommand
{
    /// <summary>When the accepting node took the request: the only clock an apply reads.</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>
    /// Assigned by the issuer, kept across its retries: a replicated shard applies a request id once and
    /// answers a retry with the first outcome. Null for commands nobody retries (the local shard).
    /// </summary>
    public string? RequestId { get; init; }
}

/// <summary>A command whose apply answers with a <typeparamref name="TResult"/>.</summary>
public abstract record IndexCommand<TResult> : IndexCommand;

/// <summary>A command that answers nothing but success.</summary>
public readonly record struct Done;

/// <summary>A command on one object key: the range owning (bucket, key) applies it.</summary>
public interface IObjectCommand
{
    string Bucket { get; }
    string Key { get; }
}

/// <summary>A command on a bucket's own state: every range holding keys of the bucket keeps a copy and applies it.</summary>
public interface IBucketCommand
{
    string Bucket { get; }
}
