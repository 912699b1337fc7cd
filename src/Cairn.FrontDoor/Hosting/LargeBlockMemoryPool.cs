using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.AspNetCore.Connections;

namespace Cairn.FrontDoor.Hosting;

/// <summary>
/// Kestrel's buffers in 64 KiB blocks instead of its default 4 KiB. The socket transport receives into
/// one block per recv call, so a 64 MiB PUT took 16,384 syscalls; on this kind of VM each syscall's
/// interrupt handling cost more CPU than the MD5 of the body. With 64 KiB blocks it takes 1,024.
/// </summary>
public sealed class LargeBlockMemoryPoolFactory : IMemoryPoolFactory<byte>
{
    public MemoryPool<byte> Create(MemoryPoolOptions? options = null) => new LargeBlockMemoryPool();
}

/// <summary>A pool of pinned 64 KiB blocks (pinned because the transport hands them to the OS), keeping a bounded number free.</summary>
public sealed class LargeBlockMemoryPool : MemoryPool<byte>
{
    private const int BlockSize = 64 * 1024;
    private const int MaxFree = 256; // 16 MiB kept at most
    private readonly ConcurrentQueue<byte[]> free = new();
    private int freeCount;

    public override int MaxBufferSize => BlockSize;

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        if (minBufferSize > BlockSize) return new Block(this, GC.AllocateUninitializedArray<byte>(minBufferSize, pinned: true), pooled: false);
        if (free.TryDequeue(out var block))
        {
            Interlocked.Decrement(ref freeCount);
            return new Block(this, block, pooled: true);
        }
        return new Block(this, GC.AllocateUninitializedArray<byte>(BlockSize, pinned: true), pooled: true);
    }

    protected override void Dispose(bool disposing)
    {
        free.Clear();
    }

    private void Return(byte[] block)
    {
        if (Interlocked.Increment(ref freeCount) <= MaxFree) free.Enqueue(block);
        else Interlocked.Decrement(ref freeCount);
    }

    private sealed class Block(LargeBlockMemoryPool pool, byte[] array, bool pooled) : IMemoryOwner<byte>
    {
        private byte[]? owned = array;

        public Memory<byte> Memory => owned is { } a ? a : throw new ObjectDisposedException(nameof(Block));

        public void Dispose()
        {
            var a = Interlocked.Exchange(ref owned, null);
            if (a is not null && pooled) pool.Return(a);
        }
    }
}
