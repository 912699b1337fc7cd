using System.Buffers;
using System.Collections.Concurrent;

namespace Cairn.Core.Checksums;

/// <summary>
/// One thread that compresses the MD5 blocks of every stream handed to it, up to eight at a time in
/// the lanes of <see cref="Md5Lanes"/>. Streams join and leave between short rounds, so an upload
/// never waits for another to finish; each waits only for its own blocks.
/// </summary>
public sealed class Md5LaneHasher : IDisposable
{
    private const int RoundBlocks = 64; // 4 KiB per lane: newcomers are admitted within microseconds
    private const int GatherMilliseconds = 1;

    private readonly ConcurrentQueue<Job> incoming = new();
    private readonly ManualResetEventSlim wake = new(false);
    private readonly Thread thread;
    private volatile bool disposed;
    private long rounds, laneRounds;
    private int streams; // attached lane bodies, whether or not a job of theirs is queued

    public Md5LaneHasher()
    {
        if (!Md5Lanes.IsSupported) throw new PlatformNotSupportedException("MD5 lanes need AVX2.");
        thread = new Thread(Run) { IsBackground = true, Name = "md5-lanes" };
        thread.Start();
    }

    /// <summary>Rounds run so far, and lanes busy summed over them: their ratio is how many streams shared a round.</summary>
    public (long Rounds, long LaneRounds) Occupancy => (Interlocked.Read(ref rounds), Interlocked.Read(ref laneRounds));

    /// <summary>A stream that will hash here begins (its first job may be a while coming).</summary>
    public void Attach() => Interlocked.Increment(ref streams);

    public void Detach() => Interlocked.Decrement(ref streams);

    /// <summary>
    /// Compresses the whole blocks of <paramref name="blocks"/> into <paramref name="state"/>. The bytes
    /// must stay unchanged and the state untouched until the returned task completes.
    /// </summary>
    public Task CompressAsync(Md5LaneState state, ReadOnlyMemory<byte> blocks)
    {
        var count = blocks.Length / Md5Block.Size;
        if (count == 0) return Task.CompletedTask;
        ObjectDisposedException.ThrowIf(disposed, this);
        var job = new Job(state, blocks.Pin(), count);
        incoming.Enqueue(job);
        wake.Set();
        if (disposed) FailQueued(); // the thread may already be gone: never leave a job waiting forever
        return job.Done;
    }

    private unsafe void Run()
    {
        var lanes = new Job?[Md5Lanes.Lanes];
        var state = new uint[4 * Md5Lanes.Lanes];
        var pointers = new nint[Md5Lanes.Lanes];
        var strides = new int[Md5Lanes.Lanes];
        var idle = GC.AllocateArray<byte>(Md5Block.Size, pinned: true);
        fixed (byte* idleBlock = idle)
        {
            for (var j = 0; j < Md5Lanes.Lanes; j++) pointers[j] = (nint)idleBlock;
            var active = 0;
            var gathered = false;
            while (true)
            {
                for (var j = 0; j < Md5Lanes.Lanes && active < Md5Lanes.Lanes; j++)
                {
                    if (lanes[j] is not null || !incoming.TryDequeue(out var job)) continue;
                    lanes[j] = job;
                    var s = job.State.Value;
                    (state[j], state[Md5Lanes.Lanes + j], state[2 * Md5Lanes.Lanes + j], state[3 * Md5Lanes.Lanes + j]) = (s.A, s.B, s.C, s.D);
                    pointers[j] = (nint)job.Pointer;
                    strides[j] = Md5Block.Size;
                    active++;
                }
                if (active > 0 && active < Math.Min(Volatile.Read(ref streams), Md5Lanes.Lanes) && !gathered)
                {
                    // Another stream is mid-upload: a round costs the same with one lane or eight, so
                    // give its next chunk a moment to arrive and share the round.
                    gathered = true;
                    wake.Reset();
                    if (incoming.IsEmpty) wake.Wait(GatherMilliseconds);
                    continue;
                }
                if (active == 0)
                {
                    if (disposed) return;
                    wake.Reset();
                    if (incoming.IsEmpty && !disposed) wake.Wait();
                    continue;
                }
                var round = RoundBlocks;
                foreach (var job in lanes)
                    if (job is not null) round = Math.Min(round, job.Remaining);
                Md5Lanes.Compress(state, pointers, strides, round);
                Interlocked.Increment(ref rounds);
                Interlocked.Add(ref laneRounds, active);
                for (var j = 0; j < Md5Lanes.Lanes; j++)
                {
                    if (lanes[j] is not { } job) continue;
                    pointers[j] += round * Md5Block.Size;
                    job.Remaining -= round;
                    if (job.Remaining > 0) continue;
                    job.State.Value = new Md5State { A = state[j], B = state[Md5Lanes.Lanes + j], C = state[2 * Md5Lanes.Lanes + j], D = state[3 * Md5Lanes.Lanes + j] };
                    lanes[j] = null;
                    pointers[j] = (nint)idleBlock;
                    strides[j] = 0;
                    active--;
                    job.Complete();
                    gathered = false;
                }
            }
        }
    }

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        wake.Set();
        thread.Join();
        FailQueued();
    }

    private void FailQueued()
    {
        while (incoming.TryDequeue(out var job)) job.Complete(new ObjectDisposedException(nameof(Md5LaneHasher)));
    }

    private sealed class Job(Md5LaneState state, MemoryHandle pin, int blocks)
    {
        private readonly TaskCompletionSource done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private MemoryHandle pin = pin;
        private int finished;

        public Md5LaneState State { get; } = state;
        public unsafe nint Pointer => (nint)pin.Pointer;
        public int Remaining { get; set; } = blocks;
        public Task Done => done.Task;

        /// <summary>Unpins the bytes and wakes the stream; once only, whoever gets here first.</summary>
        public void Complete(Exception? failure = null)
        {
            if (Interlocked.Exchange(ref finished, 1) != 0) return;
            pin.Dispose();
            if (failure is null) done.SetResult();
            else done.SetException(failure);
        }
    }
}

/// <summary>A stream's MD5 chaining value, shared with the lane thread while one of its jobs runs.</summary>
public sealed class Md5LaneState
{
    public Md5State Value { get; set; } = Md5State.Initial;
}
