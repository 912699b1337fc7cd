using System.Buffers;
using System.Text;

namespace Cairn.Transport.Raft;

/// <summary>
/// The first line a Raft connection sends on the cluster port, before any Raft message:
/// <c>CAIRN-RAFT/1 {group} {unix seconds} {nonce} {HMAC}\n</c>, the proof signed as <see cref="ClusterSecret"/>
/// signs a request, with the protocol name as method and the group id as target. So a connection proves
/// the secret once and is bound to the group it names; a captured preface cannot be replayed (nonce).
/// </summary>
internal readonly record struct RaftPreface(string Group, string Timestamp, string Nonce, string Signature)
{
    public const string Protocol = "CAIRN-RAFT/1";

    /// <summary>What the line starts with: enough to tell it from an HTTP/2 preface or garbage.</summary>
    public static ReadOnlySpan<byte> Magic => "CAIRN-RAFT/1 "u8;

    /// <summary>A longer first line is not ours: the connection closes instead of buffering it.</summary>
    public const int MaxLength = 512;

    public static RaftPreface Sign(ClusterSecret secret, string group)
    {
        var (timestamp, nonce, signature) = secret.Sign(Protocol, group);
        return new RaftPreface(group, timestamp, nonce, signature);
    }

    public byte[] Encode() => Encoding.ASCII.GetBytes($"{Protocol} {Group} {Timestamp} {Nonce} {Signature}\n");

    /// <summary>The proof is valid for the named group; a valid preface is accepted once (its nonce is remembered).</summary>
    public bool Verify(ClusterSecret secret) => secret.Verify(Protocol, Group, Timestamp, Nonce, Signature) == ClusterProof.Valid;

    /// <summary>
    /// Reads the line at the start of <paramref name="buffer"/>: <see cref="OperationStatus.Done"/> with the
    /// position after it, <see cref="OperationStatus.NeedMoreData"/> while no line end arrived within
    /// <see cref="MaxLength"/>, <see cref="OperationStatus.InvalidData"/> for anything not shaped like a preface.
    /// </summary>
    public static OperationStatus TryParse(ReadOnlySequence<byte> buffer, out RaftPreface preface, out SequencePosition end)
    {
        preface = default;
        end = buffer.Start;
        var reader = new SequenceReader<byte>(buffer);
        if (!reader.TryReadTo(out ReadOnlySequence<byte> line, (byte)'\n'))
            return buffer.Length < MaxLength ? OperationStatus.NeedMoreData : OperationStatus.InvalidData;
        if (line.Length >= MaxLength) return OperationStatus.InvalidData;
        Span<byte> bytes = stackalloc byte[(int)line.Length];
        line.CopyTo(bytes);
        if (!bytes.StartsWith(Magic) || bytes.ContainsAnyExceptInRange((byte)' ', (byte)'~')) return OperationStatus.InvalidData;
        var fields = Encoding.ASCII.GetString(bytes[Magic.Length..]).Split(' ');
        if (fields.Length != 4 || !RaftEndPoints.IsValidGroup(fields[0])) return OperationStatus.InvalidData;
        preface = new RaftPreface(fields[0], fields[1], fields[2], fields[3]);
        end = reader.Position;
        return OperationStatus.Done;
    }
}
