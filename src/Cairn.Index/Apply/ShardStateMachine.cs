using Cairn.Core.StorageClasses;
using Cairn.Core.Time;
using Cairn.Index.Billing;
using Cairn.Index.Commands;

namespace Cairn.Index.Apply;

/// <summary>
/// The one apply function of a shard: reads the shard's state, checks the command's preconditions
/// (throwing the typed S3 error, which discards the command's writes), assigns sequences and writes.
/// Deterministic: the same state and the same command give the same result and the same writes on any
/// node — it reads no clock, no randomness and no process-local state but the configuration that every
/// node shares (storage classes, the length of a day).
/// </summary>
public sealed class ShardStateMachine
{
    private readonly ObjectApply objects;
    private readonly UploadApply uploads;
    private readonly BucketApply buckets;
    private readonly ObjectLockApply locks = new();
    private readonly IdentityApply identities = new();

    public ShardStateMachine(StorageClassTable classes, DayClock days)
    {
        var meter = new StorageMeter(classes, days);
        var writes = new VersionWrites(meter);
        var lockRules = new ObjectLockRules(days);
        objects = new ObjectApply(writes, meter, classes, days, lockRules);
        uploads = new UploadApply(writes, meter, lockRules);
        buckets = new BucketApply(uploads);
    }

    /// <summary>
    /// Applies the command over <paramref name="below"/> all or nothing: its writes reach <paramref name="below"/>
    /// only if it succeeds; a refusal (or any failure) throws and leaves <paramref name="below"/> as it was.
    /// </summary>
    public object? ApplyAtomically(IShardState below, IndexCommand command)
    {
        var layer = new LayeredState(below);
        var result = Apply(layer, command);
        layer.CopyTo(below);
        return result;
    }

    public object? Apply(IShardState state, IndexCommand command)
    {
        var t = new ShardTables(state);
        if (command is IObjectCommand write) buckets.RequireOpen(t, write.Bucket);
        return command switch
        {
            PutVersion c => objects.Put(t, c),
            DeleteObject c => objects.Delete(t, c),
            DeleteVersion c => objects.DeleteVersion(t, c),
            ReplaceTags c => objects.ReplaceTags(t, c),
            Acl.PutObjectAcl c => Acl.AclApply.Put(t, c),
            RestoreVersion c => objects.Restore(t, c),
            TransitionVersion c => objects.Transition(t, c),
            ReplaceLayout c => objects.ReplaceLayout(t, c),
            CreateUpload c => uploads.Create(t, c),
            PutPart c => uploads.PutPart(t, c),
            CompleteUpload c => uploads.Complete(t, c),
            AbortUpload c => uploads.Abort(t, c),
            CreateBucket c => buckets.Create(t, c),
            DeleteBucket c => buckets.Delete(t, c),
            CloseBucket c => buckets.Close(t, c),
            ReopenBucket c => buckets.Reopen(t, c),
            PutBucketVersioning c => buckets.PutVersioning(t, c),
            PutBucketLifecycle c => buckets.PutLifecycle(t, c),
            PutBucketSetting c => buckets.PutSetting(t, c),
            PutObjectLockConfiguration c => locks.PutConfiguration(t, c),
            PutObjectRetention c => locks.PutRetention(t, c),
            PutObjectLegalHold c => locks.PutLegalHold(t, c),
            CreateUser c => identities.CreateUser(t, c),
            DeleteUser c => identities.DeleteUser(t, c),
            CreateAccessKey c => identities.CreateAccessKey(t, c),
            UpdateAccessKey c => identities.UpdateAccessKey(t, c),
            DeleteAccessKey c => identities.DeleteAccessKey(t, c),
            PutInlinePolicy c => identities.PutPolicy(t, c),
            DeleteInlinePolicy c => identities.DeletePolicy(t, c),
            CreateRole c => identities.CreateRole(t, c),
            DeleteRole c => identities.DeleteRole(t, c),
            UpdateAssumeRolePolicy c => identities.UpdateAssumeRolePolicy(t, c),
            CreateGroup c => identities.CreateGroup(t, c),
            DeleteGroup c => identities.DeleteGroup(t, c),
            AddUserToGroup c => identities.AddUserToGroup(t, c),
            RemoveUserFromGroup c => identities.RemoveUserFromGroup(t, c),
            ForgetFree c => Forget(state, c),
            ForgetDegraded c => ForgetDegraded(t, c),
            _ => throw new NotSupportedException($"No apply for {command.GetType().Name}."),
        };
    }

    private static Done ForgetDegraded(ShardTables t, ForgetDegraded c)
    {
        t.ForgetDegraded(c.BlobId);
        return default;
    }

    private static Done Forget(IShardState state, ForgetFree c)
    {
        state.Delete(c.QueueKey);
        return default;
    }
}
