using Cairn.Core.Keys;
using Cairn.Index.Apply;
using Cairn.Index.Commands;
using Cairn.Index.Objects;
using Cairn.Index.Records;
using Cairn.Index.Shards;

namespace Cairn.Index.Tests;

/// <summary>
/// What the left range of a merge takes of the right's state (<see cref="ShardMerge.Absorb"/>), on two ranges written by
/// the shard's own apply: the right's objects and range-local rows move over, the span widens, the sequence counter is the
/// larger of the two, and where both ranges hold a row the merge keeps the one that was authoritative.
/// </summary>
public sealed class ShardMergeTests
{
    private static readonly DateTimeOffset T0 = new(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);
    private static readonly byte[] Point = RangeKeys.Point("b", "m");
    private readonly ShardStateMachine machine = IndexFixture.Machine();

    [Fact]
    public void The_left_range_takes_every_row_of_the_right_widens_its_span_and_keeps_the_larger_sequence()
    {
        var (left, right) = (Empty(), Empty());
        Apply(left, new CreateBucket("b", "owner", "us-east-1") { At = T0 });
        Apply(right, new CreateBucket("b", "owner", "us-east-1") { At = T0 });
        Apply(right, new CreateBucket("z", "owner", "us-east-1") { At = T0 }); // a bucket whose first point is in the right only
        var a = Put(left, "b", "a", T0);
        var n = Put(right, "b", "n", T0.AddSeconds(1));
        var n2 = Put(right, "b", "n", T0.AddSeconds(2)); // unversioned: n's first version is reaped, its blob queued for freeing
        var z = Put(right, "z", "k", T0.AddSeconds(3));
        right.Put(IndexKeys.RequestKey("retry-me"), [1, 2, 3]);
        right.Put(IndexKeys.SpanKey(), new ShardSpan(Point, Point).Encode()); // subsumed
        left.Put(IndexKeys.SpanKey(), new ShardSpan([], Point).Encode());
        var rightSequence = ShardTables.Decode(right.Get(IndexKeys.SequenceKey())!);

        ShardMerge.Absorb(left, Snapshot(right), Point, ShardSpan.Whole, T0.AddSeconds(9));

        var tables = new ShardTables(left);
        Assert.Equal(ShardSpan.Whole.Encode(), left.Get(IndexKeys.SpanKey()));
        Assert.Equal(a.VersionId, tables.Current("b", "a")!.VersionId);
        Assert.Equal(n2.VersionId, tables.Current("b", "n")!.VersionId);
        Assert.Equal(z.VersionId, tables.Current("z", "k")!.VersionId);
        Assert.NotNull(tables.Bucket("z"));
        Assert.Null(tables.Version("b", "n", n.Sequence));
        Assert.Single(tables.References(n2.Blob!.BlobId));
        Assert.Contains(left.Scan(IndexKeys.FreeStart(), IndexKeys.FreeEnd()), f => System.Text.Encoding.UTF8.GetString(f.Key, 9, f.Key.Length - 9) == n.Blob!.BlobId);
        Assert.Equal([1, 2, 3], left.Get(IndexKeys.RequestKey("retry-me")));
        Assert.Equal(rightSequence, ShardTables.Decode(left.Get(IndexKeys.SequenceKey())!));
        // The next version after the merge sorts after every version either range wrote.
        Assert.True(Put(left, "b", "n", T0).Sequence > n2.Sequence);
    }

    [Fact]
    public void Where_both_ranges_hold_a_row_the_authoritative_one_is_kept_and_a_ledger_line_is_never_lost()
    {
        var (left, right) = (Empty(), Empty());
        Apply(left, new CreateBucket("b", "owner", "us-east-1") { At = T0 });
        Apply(right, new CreateBucket("b", "other", "us-east-1") { At = T0 }); // "b" starts in the left: the left's copy stands
        Apply(left, new CreateBucket("n", "stale", "us-east-1") { At = T0 });
        Apply(right, new CreateBucket("n", "owner", "us-east-1") { At = T0 }); // "n" starts in the right: the right's copy stands
        left.Put(IndexKeys.RequestKey("both"), [1]);
        right.Put(IndexKeys.RequestKey("both"), [2]);
        left.Put(IndexKeys.LedgerKey("b", 7), [10]);
        right.Put(IndexKeys.LedgerKey("b", 7), [20]); // the two counters gave one sequence: the right's line gets a new one
        right.Put(IndexKeys.LedgerKey("b", 8), [30]);
        left.Put(IndexKeys.SequenceKey(), ShardTables.Encode(100));
        right.Put(IndexKeys.SequenceKey(), ShardTables.Encode(50));
        var bucketPoint = RangeKeys.BucketStart("n");

        ShardMerge.Absorb(left, Snapshot(right), bucketPoint, new ShardSpan([], null), T0);

        var tables = new ShardTables(left);
        Assert.Equal("owner", tables.Bucket("b")!.Owner);
        Assert.Equal("owner", tables.Bucket("n")!.Owner);
        Assert.Equal([1], left.Get(IndexKeys.RequestKey("both")));
        var ledger = left.Scan(IndexKeys.LedgerStart(), IndexKeys.LedgerEnd()).Select(r => r.Value[0]).Order().ToArray();
        Assert.Equal([10, 20, 30], ledger);
        Assert.True(ShardTables.Decode(left.Get(IndexKeys.SequenceKey())!) > 100);
    }

    [Fact]
    public void A_buckets_settings_go_with_its_record_through_a_split_and_a_merge_and_with_DeleteBucket()
    {
        var left = Empty();
        Apply(left, new CreateBucket("b", "owner", "us-east-1") { At = T0 });
        Apply(left, new CreateBucket("n", "owner", "us-east-1") { At = T0 });
        Apply(left, CommandCodec.Decode(CommandCodec.Encode(new PutBucketSetting("b", "cors", "<b-cors/>") { At = T0 })));
        Apply(left, new PutBucketSetting("n", "website", "<n-old/>") { At = T0 });
        Assert.Throws<Core.Errors.S3Exception>(() => Apply(left, new PutBucketSetting("absent", "cors", "<x/>") { At = T0 }));

        // A split copies the bucket rows to both halves.
        var right = Empty();
        foreach (var row in left.Scan([], [0xFF])) right.Put(row.Key, row.Value);
        var splitAt = RangeKeys.BucketStart("n");
        ShardSplit.Trim(left, ShardSpan.Whole, new ShardSpan([], splitAt), keepsQueues: true);
        ShardSplit.Trim(right, ShardSpan.Whole, new ShardSpan(splitAt, null), keepsQueues: false);
        Assert.Equal("<b-cors/>"u8.ToArray(), right.Get(IndexKeys.BucketSettingKey("b", "cors")));
        Assert.Equal("<n-old/>"u8.ToArray(), left.Get(IndexKeys.BucketSettingKey("n", "website")));

        // "n" starts in the right range: its newer setting is the one the merge keeps, and its deleted one stays deleted.
        Apply(right, new PutBucketSetting("n", "website", "<n-new/>") { At = T0 });
        Apply(right, new PutBucketSetting("b", "cors", null) { At = T0 });
        ShardMerge.Absorb(left, Snapshot(right), splitAt, ShardSpan.Whole, T0);
        Assert.Equal("<n-new/>"u8.ToArray(), left.Get(IndexKeys.BucketSettingKey("n", "website")));
        Assert.Equal("<b-cors/>"u8.ToArray(), left.Get(IndexKeys.BucketSettingKey("b", "cors")));

        Apply(left, new DeleteBucket("n") { At = T0 });
        Assert.Null(left.Get(IndexKeys.BucketSettingKey("n", "website")));
        Assert.NotNull(left.Get(IndexKeys.BucketSettingKey("b", "cors")));
    }

    private static LayeredState Empty() => new(_ => null, (_, _) => []);

    private void Apply(IShardState state, IndexCommand command) => machine.ApplyAtomically(state, command);

    private VersionRecord Put(IShardState state, string bucket, string key, DateTimeOffset at) =>
        (VersionRecord)machine.ApplyAtomically(state, new PutVersion(bucket, key, IndexFixture.Draft(10, Blob()), VersionIds.NewNonce()) { At = at })!;

    private static Core.Blobs.BlobLayout Blob() => new() { BlobId = Guid.NewGuid().ToString("N"), Length = 10, Drives = ["d0"] };

    private static IIndexSnapshot Snapshot(LayeredState state) => new StateSnapshot(state);

    /// <summary>A layered state read as a snapshot (what the merge reads the right range's store through).</summary>
    private sealed class StateSnapshot(LayeredState state) : IIndexSnapshot
    {
        public byte[]? Get(byte[] key) => state.Get(key);

        public IEnumerable<IndexEntry> Scan(byte[] from, byte[] to) => state.Scan(from, to).ToList();

        public IndexEntry? First(byte[] from, byte[] to) => state.Scan(from, to).Cast<IndexEntry?>().FirstOrDefault();

        public void Dispose()
        {
        }
    }
}
