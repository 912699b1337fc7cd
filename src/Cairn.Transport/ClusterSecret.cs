using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Cairn.Transport;

/// <summary>Outcome of checking a node-to-node request's proof of the cluster secret.</summary>
public enum ClusterProof
{
    Valid,
    /// <summary>No proof at all (→ 401).</summary>
    Missing,
    /// <summary>A wrong signature, a timestamp outside the allowed skew or a nonce seen before (→ 403).</summary>
    Invalid,
}

/// <summary>
/// The shared cluster secret and the proof every node-to-node request carries: an HMAC-SHA256 over
/// method, path with query, a Unix timestamp and a random nonce, sent in three headers. The server
/// accepts a timestamp within <see cref="MaxSkew"/> of its own clock and each nonce once in that window,
/// so a captured request cannot be replayed. The body is not covered: fragments carry their own block
/// checksums, and the cluster port is meant for a private network (no TLS in this increment).
/// A connection of another protocol on the cluster port proves the secret the same way, with its protocol name
/// in place of the method (<c>CAIRN-RAFT/1</c>, the version being the wire's, see <see cref="Raft.RaftMux"/>): such a name contains a '/', which
/// no HTTP method can, so a request's proof never passes for a connection's, nor the other way round.
/// </summary>
public sealed class ClusterSecret
{
    public const string TimestampHeader = "x-cairn-cluster-time";
    public const string NonceHeader = "x-cairn-cluster-nonce";
    public const string SignatureHeader = "x-cairn-cluster-signature";

    private readonly byte[] key;
    private readonly TimeProvider time;
    private readonly ConcurrentDictionary<string, long> seenNonces = new(StringComparer.Ordinal);
    private int addsSincePrune;

    public ClusterSecret(ReadOnlySpan<byte> key, TimeProvider? time = null, TimeSpan? maxSkew = null)
    {
        if (key.Length < 16) throw new ArgumentException("The cluster secret must be at least 16 bytes.", nameof(key));
        this.key = key.ToArray();
        this.time = time ?? TimeProvider.System;
        MaxSkew = maxSkew ?? TimeSpan.FromMinutes(2);
    }

    /// <summary>A secret given as text (configuration): its UTF-8 bytes are the key.</summary>
    public static ClusterSecret FromText(string secret, TimeProvider? time = null) => new(Encoding.UTF8.GetBytes(secret), time);

    public TimeSpan MaxSkew { get; }

    /// <summary>A 32-byte key for another purpose, derived from the secret (HKDF-SHA256): what every node holding the secret agrees on.</summary>
    public byte[] DeriveKey(string purpose) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, key, 32, salt: [], info: Encoding.UTF8.GetBytes(purpose));

    /// <summary>The three header values that prove the secret for this request.</summary>
    public (string Timestamp, string Nonce, string Signature) Sign(string method, string pathAndQuery)
    {
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        return (timestamp, nonce, Convert.ToHexStringLower(Mac(method, pathAndQuery, timestamp, nonce)));
    }

    public ClusterProof Verify(string method, string pathAndQuery, string? timestamp, string? nonce, string? signature)
    {
        if (string.IsNullOrEmpty(timestamp) && string.IsNullOrEmpty(nonce) && string.IsNullOrEmpty(signature)) return ClusterProof.Missing;
        if (string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(nonce) || nonce.Length > 64 || string.IsNullOrEmpty(signature) || signature.Length != 64)
            return ClusterProof.Invalid;
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)) return ClusterProof.Invalid;
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        if (Math.Abs(now - seconds) > (long)MaxSkew.TotalSeconds) return ClusterProof.Invalid;
        Span<byte> given = stackalloc byte[32];
        if (Convert.FromHexString(signature, given, out _, out var written) != System.Buffers.OperationStatus.Done || written != 32)
            return ClusterProof.Invalid;
        if (!CryptographicOperations.FixedTimeEquals(given, Mac(method, pathAndQuery, timestamp, nonce))) return ClusterProof.Invalid;
        // Only a correctly signed request may enter the replay window, so strangers cannot fill it.
        if (!seenNonces.TryAdd(nonce, seconds)) return ClusterProof.Invalid;
        if (Interlocked.Increment(ref addsSincePrune) % 4096 == 0) Prune(now);
        return ClusterProof.Valid;
    }

    private void Prune(long now)
    {
        var window = (long)MaxSkew.TotalSeconds;
        foreach (var (nonce, seconds) in seenNonces)
            if (now - seconds > window) seenNonces.TryRemove(nonce, out _);
    }

    private byte[] Mac(string method, string pathAndQuery, string timestamp, string nonce) =>
        HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{method.ToUpperInvariant()}\n{pathAndQuery}\n{timestamp}\n{nonce}"));
}
