using System.Buffers.Binary;

namespace Cairn.Consensus;

/// <summary>
/// The payload of a range group's log entry: one encoded command, or several applied in order. One command is
/// stored as itself (a JSON object, first byte <c>{</c>), exactly as every entry was before batching, so logs
/// written before replay unchanged and a lone command costs nothing extra. Several are <see cref="Marker"/>, the
/// count (int32, little-endian), then each command's length (int32, little-endian) and bytes.
/// </summary>
internal static class CommandBatch
{
    /// <summary>First byte of a batch: never the first byte of an encoded command (JSON).</summary>
    public const byte Marker = 0x01;

    private const int CountSize = sizeof(int);
    private const int LengthSize = sizeof(int);

    /// <summary>The bytes <see cref="Write"/> needs for <paramref name="commands"/> (two or more).</summary>
    public static int EncodedLength(IReadOnlyList<ReadOnlyMemory<byte>> commands)
    {
        var length = 1 + CountSize;
        foreach (var command in commands) length = checked(length + LengthSize + command.Length);
        return length;
    }

    /// <summary>Writes <paramref name="commands"/> as a batch into <paramref name="destination"/>; returns the bytes written.</summary>
    public static int Write(Span<byte> destination, IReadOnlyList<ReadOnlyMemory<byte>> commands)
    {
        destination[0] = Marker;
        BinaryPrimitives.WriteInt32LittleEndian(destination[1..], commands.Count);
        var at = 1 + CountSize;
        foreach (var command in commands)
        {
            BinaryPrimitives.WriteInt32LittleEndian(destination[at..], command.Length);
            at += LengthSize;
            command.Span.CopyTo(destination[at..]);
            at += command.Length;
        }
        return at;
    }

    /// <summary>The commands of a payload, in the order they are applied.</summary>
    public static Reader Read(ReadOnlySpan<byte> payload) => new(payload);

    /// <summary>Enumerates a payload's commands without copying them.</summary>
    public ref struct Reader
    {
        private ReadOnlySpan<byte> rest;
        private int remaining;

        internal Reader(ReadOnlySpan<byte> payload)
        {
            if (payload.IsEmpty || payload[0] != Marker)
            {
                // A lone command: the whole payload.
                rest = payload;
                remaining = payload.IsEmpty ? 0 : -1;
                return;
            }
            if (payload.Length < 1 + CountSize) throw new InvalidDataException("A command batch cut short in its header.");
            remaining = BinaryPrimitives.ReadInt32LittleEndian(payload[1..]);
            if (remaining < 0) throw new InvalidDataException($"A command batch of {remaining} commands.");
            rest = payload[(1 + CountSize)..];
        }

        public ReadOnlySpan<byte> Current { get; private set; }

        public readonly Reader GetEnumerator() => this;

        public bool MoveNext()
        {
            if (remaining == -1)
            {
                Current = rest;
                rest = default;
                remaining = 0;
                return true;
            }
            if (remaining == 0)
            {
                if (!rest.IsEmpty) throw new InvalidDataException($"{rest.Length} bytes after the last command of a batch.");
                return false;
            }
            if (rest.Length < LengthSize) throw new InvalidDataException("A command batch cut short before a command's length.");
            var length = BinaryPrimitives.ReadInt32LittleEndian(rest);
            if (length < 0 || length > rest.Length - LengthSize) throw new InvalidDataException("A command batch cut short inside a command.");
            Current = rest.Slice(LengthSize, length);
            rest = rest[(LengthSize + length)..];
            remaining--;
            return true;
        }
    }
}
