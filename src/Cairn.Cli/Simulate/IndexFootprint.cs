using System.Globalization;
using Cairn.Consensus;
using Cairn.Core.Blobs;
using Cairn.Core.StorageClasses;
using Cairn.Core.Time;
using Cairn.Index.Apply;
using Cairn.Index.Commands;
using Cairn.Index.Records;
using Cairn.Index.Shards;

namespace Cairn.Cli.Simulate;

/// <summary>One index row an object leaves behind: what it is, its key and value sizes.</summary>
public sealed record IndexRow(string Kind, int KeyBytes, int ValueBytes)
{
    public int Bytes => KeyBytes + ValueBytes;

    /// <summary>An object row (table O): what a listing, and the split check's count of objects, walks.</summary>
    public bool IsObjectRow => Kind is "current pointer" or "null-version pointer" or "version record";
}

/// <summary>The rows one PUT of one object of <see cref="ObjectBytes"/> leaves in its range's store.</summary>
public sealed record ObjectFootprint(long ObjectBytes, bool Inline, IReadOnlyList<IndexRow> Rows)
{
    public int Bytes => Rows.Sum(r => r.Bytes);
    public int ObjectRows => Rows.Count(r => r.IsObjectRow);
}

/// <summary>
/// What an object costs in the index, measured with the real apply: a PutVersion of a representative object is applied
/// by <see cref="ShardStateMachine"/> (the function every range replica runs) to an in-memory state holding its bucket,
/// and the rows it writes are weighed as they would go to RocksDB (key + value, JSON as stored); the request-id outcome
/// row a replicated range keeps for every command (<see cref="CommandOutcome"/> under <see cref="IndexKeys.RequestKey"/>,
/// kept for ever: dedupe rows do not expire yet) is added. Shard-wide rows a PUT overwrites (the sequence counter) are
/// not per object and are left out. RocksDB's own per-key overhead and compression are not counted.
/// </summary>
public sealed record IndexFootprint(IReadOnlyList<(ObjectFootprint Footprint, double Fraction)> Classes, int BucketBytes, int KeyBytes)
{
    public double BytesPerObject => Classes.Sum(c => c.Footprint.Bytes * c.Fraction);
    public double RowsPerObject => Classes.Sum(c => c.Footprint.Rows.Count * c.Fraction);
    public double ObjectRowsPerObject => Classes.Sum(c => c.Footprint.ObjectRows * c.Fraction);

    /// <summary>Bytes of the request-outcome row per object (one PUT).</summary>
    public double OutcomeBytesPerObject => BytesPerObject - BytesPerObjectWithoutOutcomes;

    /// <summary>Bytes per object once every outcome row is held <paramref name="copies"/> times (splits copy them into both halves).</summary>
    public double BytesPerObjectHeld(double copies) => BytesPerObjectWithoutOutcomes + copies * OutcomeBytesPerObject;

    /// <summary>The same without the request-outcome rows: what the index would hold if dedupe rows expired.</summary>
    /// <summary>Bytes of the object rows (pointers and version): what the split check reads per object.</summary>
    public double ObjectRowBytesPerObject => Classes.Sum(c => c.Footprint.Rows.Where(r => r.IsObjectRow).Sum(r => r.Bytes) * c.Fraction);

    public double BytesPerObjectWithoutOutcomes => Classes.Sum(c => c.Footprint.Rows.Where(r => r.Kind != "request outcome").Sum(r => r.Bytes) * c.Fraction);

    private static readonly DateTimeOffset At = new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero).AddTicks(1_234_567);

    /// <summary>
    /// Measures one object of each class of <paramref name="mix"/> in an unversioned bucket (S3's default) whose name is
    /// <paramref name="bucketBytes"/> long, under keys <paramref name="keyBytes"/> long, blobs coded k+m over drives of a
    /// cluster of <paramref name="nodes"/> nodes (drive ids n{node}-d{i}), each PUT carrying the CRC32 checksum current AWS
    /// SDKs send by default.
    /// </summary>
    public static IndexFootprint Measure(ObjectMix mix, long inlineThreshold, int dataFragments, int parityFragments, int nodes,
        int bucketBytes = 12, int keyBytes = 48)
    {
        var machine = new ShardStateMachine(StorageClassTable.Default, new DayClock(TimeProvider.System));
        var bucket = BucketName(bucketBytes);
        var rows = new SortedDictionary<byte[], byte[]>(ByteOrder.Instance);
        var store = new LayeredState(k => rows.GetValueOrDefault(k), (_, _) => []);
        machine.ApplyAtomically(store, new CreateBucket(bucket, "owner", "us-east-1") { At = At });
        var classes = new List<(ObjectFootprint, double)>();
        var n = 0;
        foreach (var (bytes, fraction) in mix.Fractions)
        {
            var layer = new LayeredState(store);
            var command = new PutVersion(bucket, Name("key", keyBytes, n++), Draft(bytes, inlineThreshold, dataFragments, parityFragments, nodes, n), Hex(8, n))
            {
                At = At,
                RequestId = Hex(16, n),
            };
            var result = machine.Apply(layer, command);
            var written = layer.Writes
                .Where(w => w.Value is not null && !IsShardCounter(w.Key))
                .Select(w => new IndexRow(KindOf(w.Key, bucket), w.Key.Length, w.Value!.Length))
                .Append(new IndexRow("request outcome", IndexKeys.RequestKey(command.RequestId!).Length, CommandOutcome.Succeeded(12_345_678, result).Encode().Length))
                .ToList();
            classes.Add((new ObjectFootprint(bytes, bytes <= inlineThreshold, written), fraction));
        }
        return new IndexFootprint(classes, bucketBytes, keyBytes);
    }

    /// <summary>The draft a front door would hand the index for an object of <paramref name="bytes"/> bytes.</summary>
    private static VersionRecord Draft(long bytes, long inlineThreshold, int k, int m, int nodes, int seed)
    {
        var random = new Random(seed);
        var inline = bytes <= inlineThreshold;
        return new VersionRecord
        {
            VersionId = "",
            Sequence = 0,
            LastModified = At,
            Size = bytes,
            ETag = "\"" + Hex(16, seed) + "\"",
            ContentType = "application/octet-stream",
            Checksums = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["CRC32"] = Convert.ToBase64String(BitConverter.GetBytes(random.Next())) },
            Inline = inline ? RandomBytes(random, (int)bytes) : null,
            Blob = inline ? null : new BlobLayout
            {
                BlobId = Hex(16, seed + 1000),
                Length = bytes,
                DataFragments = k,
                ParityFragments = m,
                BlockSize = 64 * 1024,
                StripeSize = k * 256 * 1024,
                // Drive ids as a cluster of this many nodes names them: the longest node numbers.
                Drives = Enumerable.Range(0, k + m).Select(i => string.Create(CultureInfo.InvariantCulture, $"n{nodes - i}-d{i % 12}")).ToArray(),
            },
        };
    }

    private static byte[] RandomBytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }

    private static bool IsShardCounter(byte[] key) => key.Length > 1 && key[0] == (byte)'S' && key[1] != (byte)'r';

    private static string KindOf(byte[] key, string bucket) => (char)key[0] switch
    {
        'O' => IndexKeys.ParseObjectRow(key, bucket).Tag switch
        {
            ObjectRowTag.Current => "current pointer",
            ObjectRowTag.NullVersion => "null-version pointer",
            ObjectRowTag.Version => "version record",
            var t => $"object row '{(char)t}'",
        },
        'R' => "blob reference",
        'M' => "ledger line",
        'F' => "free queue",
        var t => $"row '{t}'",
    };

    private static string Name(string stem, int length, int n = 0)
    {
        // Never cut: distinct numbers stay distinct names even when they are longer than asked.
        var head = string.Create(CultureInfo.InvariantCulture, $"{stem}-{n:D6}-");
        return head.Length >= length ? head : head + new string('x', length - head.Length);
    }

    private static string BucketName(int length) => ("bucket" + new string('x', Math.Max(0, length - 6)))[..Math.Max(3, length)];

    private static string Hex(int bytes, int seed)
    {
        var data = new byte[bytes];
        new Random(seed * 7919).NextBytes(data);
        return Convert.ToHexStringLower(data);
    }

    /// <summary>
    /// Writes <paramref name="objects"/> objects of the mix into a real RocksDB index store in <paramref name="folder"/> through
    /// the same apply (1,000 commands per write batch, request outcomes included), takes a checkpoint (which flushes the
    /// memtable to table files) to weigh the store on disk, then times the split check's count of a range's objects
    /// (<see cref="ShardSplit.MiddleKey"/>, a scan of every object row) on it, in CPU time (<see cref="CpuClock"/>).
    /// </summary>
    public static StoreMeasurement MeasureStore(ObjectMix mix, long inlineThreshold, int dataFragments, int parityFragments, int nodes, int objects,
        string folder, int bucketBytes = 12, int keyBytes = 48)
    {
        var machine = new ShardStateMachine(StorageClassTable.Default, new DayClock(TimeProvider.System));
        var bucket = BucketName(bucketBytes);
        var fractions = mix.Fractions.ToArray();
        var random = new Random(5);
        using (var store = IndexStore.Open(Path.Combine(folder, "store")))
        {
            var layer = store.NewLayer();
            machine.ApplyAtomically(layer, new CreateBucket(bucket, "owner", "us-east-1") { At = At });
            for (var i = 0; i < objects; i++)
            {
                var pick = random.NextDouble();
                var size = fractions[^1].Bytes;
                foreach (var (bytes, fraction) in fractions)
                {
                    if (pick < fraction) { size = bytes; break; }
                    pick -= fraction;
                }
                // Keys in random order, as a range receives them from many clients.
                var command = new PutVersion(bucket, Name("key", keyBytes, (int)(i * 7_368_787L % 100_000_007)), Draft(size, inlineThreshold, dataFragments, parityFragments, nodes, i),
                    Hex(8, i)) { At = At, RequestId = Guid.NewGuid().ToString("N") };
                var result = machine.ApplyAtomically(layer, command);
                layer.Put(IndexKeys.RequestKey(command.RequestId!), CommandOutcome.Succeeded(i, result).Encode());
                if (i % 1000 == 999)
                {
                    store.Write(layer, sync: false);
                    layer = store.NewLayer();
                }
            }
            store.Write(layer, sync: false);
            var checkpoint = Path.Combine(folder, "checkpoint");
            store.Checkpoint(checkpoint);
            var onDisk = Directory.EnumerateFiles(checkpoint, "*.sst").Sum(f => new FileInfo(f).Length);
            // The count repeated until it has used half a second of CPU (the first, untimed, pays for JIT and a cold cache).
            long counted = 0;
            var (cpu, scan, _) = CpuClock.PerRepetition(_ =>
            {
                using var snapshot = store.OpenSnapshot();
                counted = ShardSplit.MiddleKey(snapshot, ShardSpan.Whole)?.Objects ?? 0;
            }, TimeSpan.FromMilliseconds(500), 50);
            long objectRows = 0;
            using (var snapshot = store.OpenSnapshot())
                objectRows = snapshot.Scan(ShardSpan.Whole.RowsFrom, ShardSpan.Whole.RowsTo).LongCount();
            return new StoreMeasurement(objects, counted, onDisk, objectRows, store.EstimatedKeys, scan) { SplitCountCpuTime = cpu };
        }
    }
}

/// <summary>A real index store filled with a sample of objects: its size on disk and how fast the split check counts its objects.</summary>
public sealed record StoreMeasurement(int Objects, long ObjectsCounted, long TableFileBytes, long ObjectRows, long EstimatedKeys, TimeSpan SplitCountTime)
{
    /// <summary>The process's CPU time for one count.</summary>
    public TimeSpan SplitCountCpuTime { get; init; }

    public double TableBytesPerObject => Objects == 0 ? 0 : (double)TableFileBytes / Objects;

    /// <summary>Object rows counted per second of CPU: one core's rate, however busy the machine was.</summary>
    public double ObjectRowsPerSecond => SplitCountCpuTime.TotalSeconds > 0 ? ObjectRows / SplitCountCpuTime.TotalSeconds
        : SplitCountTime.TotalSeconds > 0 ? ObjectRows / SplitCountTime.TotalSeconds : 0;
}
