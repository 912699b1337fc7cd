using Cairn.Index.Billing;
using Cairn.Index.Objects;
using Cairn.Index.Records;

namespace Cairn.Index.Apply;

/// <summary>
/// The two moves every object command is made of: writing a version (which may reap the null version it
/// replaces) and reaping one (closing its meter, dropping its blob references, queueing freed bytes).
/// </summary>
internal sealed class VersionWrites(StorageMeter meter)
{
    /// <summary>Writes a version, references its blobs and makes it current.</summary>
    public void Write(ShardTables t, string bucket, string key, VersionRecord record, DateTimeOffset at)
    {
        // References first: a blob the new version shares with the one it reaps keeps an owner throughout.
        foreach (var blob in record.Blobs())
            t.AddReference(blob, new BlobReference(bucket, key, record.Sequence));
        if (record.VersionId == VersionIds.Null)
        {
            // A null version replaces the key's previous null version, whose bytes are reaped.
            if (t.NullSequence(bucket, key) is { } previous && t.Version(bucket, key, previous) is { } replaced)
                Reap(t, bucket, key, replaced, "overwrite", at);
            t.SetNull(bucket, key, record.Sequence);
        }
        t.PutVersion(bucket, key, record);
        t.SetCurrent(bucket, key, record.Sequence);
    }

    /// <summary>
    /// Removes a version, closes its meter and frees its bytes unless another owner still holds them. A version under Object
    /// Lock is refused (AccessDenied) whichever path reaps it; <paramref name="bypassGovernance"/> lets a GOVERNANCE retention yield.
    /// </summary>
    public void Reap(ShardTables t, string bucket, string key, VersionRecord version, string reason, DateTimeOffset at, bool bypassGovernance = false)
    {
        ObjectLockRules.RequireRemovable(version, at, bypassGovernance);
        AppendLedger(t, meter.CloseVersion(bucket, key, version, NoncurrentSince(t, bucket, key, version.Sequence), reason, at), at);
        t.DeleteVersionRow(bucket, key, version.Sequence);
        if (version.VersionId == VersionIds.Null && t.NullSequence(bucket, key) == version.Sequence) t.SetNull(bucket, key, null);
        foreach (var blob in version.Blobs())
            t.DropReference(blob, new BlobReference(bucket, key, version.Sequence), at);
    }

    /// <summary>When a version stopped being current: the time its next newer version was written; null while it is current.</summary>
    public static DateTimeOffset? NoncurrentSince(ShardTables t, string bucket, string key, long sequence)
    {
        if (t.CurrentSequence(bucket, key) == sequence) return null;
        VersionRecord? newer = null;
        foreach (var version in t.Versions(bucket, key))
        {
            if (version.Sequence == sequence) return newer?.LastModified;
            newer = version;
        }
        return null;
    }

    public static void AppendLedger(ShardTables t, IEnumerable<LedgerLine> lines, DateTimeOffset at)
    {
        foreach (var line in lines)
            t.State.Put(IndexKeys.LedgerKey(line.Bucket, t.NextSequence(at)), IndexJson.Encode(line));
    }
}
