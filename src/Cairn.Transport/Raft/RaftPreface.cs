using System.Buffers;
using System.Globalization;
using System.Text;

namespace Cairn.Transport.Raft;

/// <summary>
/// The first line a Raft connection sends on the cluster port, before any Raft message:
/// <c>CAIRN-RAFT/{wire version} {group} {unix seconds} {nonce} {HMAC}\n</c>, the proof signed as <see cref="ClusterSecret"/>
/// signs a request, with the protocol name (<c>CAIRN-RAFT/1</c>) as method and the group id as target. So a connection
/// proves the secret once and is bound to the group it names; a captured preface cannot be replayed (nonce). The version
/// is the sender's <see cref="WireVersion.Speaks"/>: a receiver that does not understand it closes the connection
/// without reading further (a later version may shape the rest of the line otherwise).
/// </summary>
internal readonly record struct RaftPreface(int Version, string Group, string Timestamp, string Nonce, string Signature)
{
    /// <summary>What the line starts with: enough to tell it from an HTTP/2 preface or garbage. The version follows.</summary>
    public static ReadOnlySpan<byte> Magic => "CAIRN-RAFT/"u8;

    /// <summary>A longer first line is not ours: the connection closes instead of buffering it.</summary>
    public const int MaxLength = 512;

    /// <summary>The protocol name of a version, as the line starts and as the proof signs it.</summary>
    public static string Protocol(int version) => string.Create(CultureInfo.InvariantCulture, $"CAIRN-RAFT/{version}");

    /// <summary>Whether the line had the fields of this release's prefaces (a version it does not understand need not).</summary>
    public bool IsComplete => Timestamp.Length > 0;

    public static RaftPreface Sign(ClusterSecret secret, string group, int version)
    {
        var (timestamp, nonce, signature) = secret.Sign(Protocol(version), group);
        return new RaftPreface(version, group, timestamp, nonce, signature);
    }

    public byte[] Encode() => Encoding.ASCII.GetBytes($"{Protocol(Version)} {Group} {Timestamp} {Nonce} {Signature}\n");

    /// <summary>The proof is valid for the named group; a valid preface is accepted once (its nonce is remembered).</summary>
    public bool Verify(ClusterSecret secret) => IsComplete && secret.Verify(Protocol(Version), Group, Timestamp, Nonce, Signature) == ClusterProof.Valid;

    /// <summary>
    /// Reads the line at the start of <paramref name="buffer"/>: <see cref="OperationStatus.Done"/> with the position after
    /// it, <see cref="OperationStatus.NeedMoreData"/> while no line end arrived within <see cref="MaxLength"/>,
    /// <see cref="OperationStatus.InvalidData"/> for anything not shaped like a preface. A line with a readable version
    /// but not this release's four fields is Done and not <see cref="IsComplete"/> (its group, if the first field is
    /// one, kept for the log): whether the version is understood decides what it is.
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
        var words = Encoding.ASCII.GetString(bytes[Magic.Length..]).Split(' ');
        if (!WireVersion.TryParseNumber(words[0], out var version) || words[0].Length > 6) return OperationStatus.InvalidData;
        var fields = words[1..];
        var group = fields.Length > 0 && RaftEndPoints.IsValidGroup(fields[0]) ? fields[0] : "?";
        preface = fields.Length == 4 && group != "?"
            ? new RaftPreface(version, group, fields[1], fields[2], fields[3])
            : new RaftPreface(version, group, "", "", "");
        end = reader.Position;
        return OperationStatus.Done;
    }
}
