using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Cairn.Data.Drives;

/// <summary>
/// O_DIRECT access for large fragments: the disk reads the bytes straight from our buffer, so the
/// kernel neither copies them into the page cache nor keeps them dirty there (on this kind of VM the
/// page-cache copy cost more CPU than the MD5 of the same bytes). Offsets, lengths and buffer
/// addresses must be multiples of <see cref="Alignment"/>.
/// </summary>
internal static partial class DirectFile
{
    public const int Alignment = 4096;
    private const int WriteOnly = 0x1, Direct = 0x4000, CloseOnExec = 0x80000; // Linux x86-64/arm64 values

    /// <summary>
    /// A second, O_DIRECT descriptor on a file already created; null where the file system refuses
    /// O_DIRECT (tmpfs answers EINVAL) or anything else goes wrong: the caller then keeps writing
    /// through the page cache with the descriptor it has, which is just slower.
    /// </summary>
    public static SafeFileHandle? TryOpenForWrite(string path)
    {
        if (!OperatingSystem.IsLinux()) return null;
        var fd = Open(path, WriteOnly | Direct | CloseOnExec);
        return fd >= 0 ? new SafeFileHandle(fd, ownsHandle: true) : null;
    }

    public static void Truncate(SafeFileHandle handle, long length)
    {
        if (Ftruncate(handle.DangerousGetHandle().ToInt32(), length) != 0)
            throw new IOException($"ftruncate failed: errno {Marshal.GetLastPInvokeError()}");
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "ftruncate", SetLastError = true)]
    private static partial int Ftruncate(int fd, long length);
}

/// <summary>
/// Reusable staging buffers for direct writes: pinned arrays (they never move) with a window aligned
/// to <see cref="DirectFile.Alignment"/>. Owned by one drive, bounded, so bursts do not hoard memory.
/// </summary>
internal sealed class AlignedBufferPool(int size, int keep)
{
    private readonly ConcurrentQueue<byte[]> free = new();

    public int Size => size;

    public byte[] Rent() => free.TryDequeue(out var b) ? b : GC.AllocateUninitializedArray<byte>(size + DirectFile.Alignment, pinned: true);

    public void Return(byte[] buffer)
    {
        if (free.Count < keep) free.Enqueue(buffer);
    }

    /// <summary>The aligned window of a buffer from this pool.</summary>
    public unsafe Memory<byte> Window(byte[] buffer)
    {
        fixed (byte* p = buffer)
        {
            var skew = (int)((nuint)p % DirectFile.Alignment);
            return buffer.AsMemory(skew == 0 ? 0 : DirectFile.Alignment - skew, size);
        }
    }
}
