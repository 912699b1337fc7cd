using Cairn.Core.Keys;
using Cairn.Index.Records;

namespace Cairn.Index.Shards;

/// <summary>[From, To) in index-key order.</summary>
public sealed record RowSpan(byte[] From, byte[] To)
{
    public bool Contains(ReadOnlySpan<byte> key) => RangeKeys.Compare(From, key) <= 0 && RangeKeys.Compare(key, To) < 0;

    public bool Covers(ReadOnlySpan<byte> from, ReadOnlySpan<byte> to) => RangeKeys.Compare(From, from) <= 0 && RangeKeys.Compare(to, To) <= 0;

    /// <summary>The span of one key alone.</summary>
    public static RowSpan Only(byte[] key) => new(key, [.. key, 0]);
}

/// <summary>
/// The rows a read will look at, declared before it reads: a node that holds no replica of a range fetches just
/// those rows from a member (past the member's read barrier) instead of opening a local snapshot, and reading
/// outside them is a bug that fails loudly (<see cref="FetchedSnapshot"/>). A local shard reads its whole store
/// and ignores the scope. Every scope includes the range's recorded span, which every reader checks.
/// With a <see cref="Limit"/> the scope is a window of its one span: the first rows up to the limit, and then the
/// rest of the last object key's rows (a listing reads a key whole), the fetched snapshot saying how far it got.
/// </summary>
public sealed record ReadScope(IReadOnlyList<RowSpan> Spans, int Limit = 0)
{
    /// <summary>Rows of a window fetched from a member at most (a listing page of 1,000 keys is about this many rows).</summary>
    public const int WindowRows = 2_000;

    /// <summary>The span row alone: where a range ends.</summary>
    public static ReadScope SpanOnly { get; } = new([]);

    /// <summary>Everything an object read needs: the key's rows, and its bucket's record and rules.</summary>
    public static ReadScope Key(string bucket, string key)
    {
        var keyBytes = System.Text.Encoding.UTF8.GetBytes(key);
        return new([new RowSpan([.. IndexKeys.ObjectsFrom(bucket, keyBytes), 0], IndexKeys.PastKey(bucket, keyBytes)), .. BucketRows(bucket)]);
    }

    /// <summary>Every object row of a bucket, with its record and rules.</summary>
    public static ReadScope Bucket(string bucket)
    {
        var (from, to) = IndexKeys.ObjectsOfBucket(bucket);
        return new([new RowSpan(from, to), .. BucketRows(bucket)]);
    }

    /// <summary>A bucket's record and one of its named settings (<see cref="IndexKeys.BucketSettingKey"/>).</summary>
    public static ReadScope BucketSetting(string bucket, string name) => new([.. BucketRows(bucket), RowSpan.Only(IndexKeys.BucketSettingKey(bucket, name))]);

    /// <summary>A bucket's record and several of its named settings: what authorizing a request reads, built once per request.</summary>
    public static ReadScope BucketSettings(string bucket, IReadOnlyList<string> names)
    {
        var spans = new RowSpan[3 + names.Count];
        BucketRows(bucket).CopyTo(spans, 0);
        for (var i = 0; i < names.Count; i++) spans[3 + i] = RowSpan.Only(IndexKeys.BucketSettingKey(bucket, names[i]));
        return new(spans);
    }

    public static ReadScope Rows(byte[] from, byte[] to) => new([new RowSpan(from, to)]);

    /// <summary>The first rows of [from, to) (see <see cref="Limit"/>).</summary>
    public static ReadScope Window(byte[] from, byte[] to, int limit = WindowRows) => new([new RowSpan(from, to)], limit);

    /// <summary>This scope with other spans read too.</summary>
    public ReadScope With(ReadScope other) => this with { Spans = [.. Spans, .. other.Spans] };

    private static RowSpan[] BucketRows(string bucket) =>
        [RowSpan.Only(IndexKeys.BucketKey(bucket)), RowSpan.Only(IndexKeys.LifecycleKey(bucket)), RowSpan.Only(IndexKeys.EncryptionKey(bucket))];
}
