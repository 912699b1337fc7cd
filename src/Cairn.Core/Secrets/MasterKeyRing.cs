using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Cairn.Core.Secrets;

/// <summary>
/// The keys that protect every secret Cairn keeps at rest (IAM secret keys, SSE data keys, KMS key material):
/// a secret is sealed with AES-256-GCM under the ring's primary key and names that key's id, so a sealed value
/// stays readable after the primary changes as long as its key is still in the ring (rotation: add a new key
/// first in the file, keep the old ones until everything sealed under them has been re-sealed).
/// <para>The ring's file holds one key per line, <c>id base64(32 bytes)</c>, the first line the primary;
/// blank lines and lines starting with <c>#</c> are ignored.</para>
/// <para>Sealed format: <c>1 | idLength | id | nonce(12) | tag(16) | ciphertext</c>. The associated data binds a
/// sealed value to what it is for (e.g. <c>"iam-secret:AKIA…"</c>), so a value copied to another place does not open.</para>
/// </summary>
public sealed class MasterKeyRing
{
    private const byte Format = 1;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    public const int KeySize = 32;

    private readonly IReadOnlyDictionary<string, byte[]> keys;

    public MasterKeyRing(IReadOnlyList<(string Id, byte[] Key)> keys)
    {
        if (keys.Count == 0) throw new ArgumentException("A master key ring needs at least one key.", nameof(keys));
        foreach (var (id, key) in keys)
        {
            if (key.Length != KeySize) throw new ArgumentException($"Master key '{id}' must be {KeySize} bytes, not {key.Length}.", nameof(keys));
            if (id.Length is 0 or > 64 || id.Any(c => char.IsWhiteSpace(c) || c > '~')) throw new ArgumentException($"Master key id '{id}' must be 1-64 printable ASCII characters.", nameof(keys));
        }
        PrimaryId = keys[0].Id;
        this.keys = keys.ToDictionary(k => k.Id, k => k.Key, StringComparer.Ordinal);
    }

    /// <summary>The id of the key that seals new values.</summary>
    public string PrimaryId { get; }

    public IEnumerable<string> KeyIds => keys.Keys;

    public static MasterKeyRing Parse(string text)
    {
        var keys = new List<(string, byte[])>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            var parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 2) throw new FormatException("Each master key line is 'id base64-key'.");
            keys.Add((parts[0], Convert.FromBase64String(parts[1])));
        }
        return new MasterKeyRing(keys);
    }

    /// <summary>A ring with one fresh random key, as text for a key file.</summary>
    public static string NewKeyFileText(string id = "k1") =>
        $"# Cairn master keys: 'id base64(32 bytes)', the first one seals new secrets. Keep this file secret and backed up.\n{id} {Convert.ToBase64String(RandomNumberGenerator.GetBytes(KeySize))}\n";

    /// <summary>
    /// The ring from <paramref name="path"/>; when the file does not exist and <paramref name="createIfMissing"/>,
    /// a new one-key ring is written there first (owner read/write only, fsynced).
    /// </summary>
    public static MasterKeyRing Load(string path, bool createIfMissing)
    {
        if (!File.Exists(path))
        {
            if (!createIfMissing) throw new FileNotFoundException($"Master key file '{path}' does not exist.", path);
            var temp = path + ".tmp";
            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using (var file = new FileStream(temp, options))
            {
                file.Write(Encoding.ASCII.GetBytes(NewKeyFileText()));
                file.Flush(flushToDisk: true);
            }
            File.Move(temp, path);
            IO.DirectorySync.Sync(Path.GetDirectoryName(Path.GetFullPath(path))!);
        }
        return Parse(File.ReadAllText(path));
    }

    public byte[] Seal(ReadOnlySpan<byte> plaintext, string purpose)
    {
        var id = Encoding.ASCII.GetBytes(PrimaryId);
        var sealedValue = new byte[2 + id.Length + NonceSize + TagSize + plaintext.Length];
        sealedValue[0] = Format;
        sealedValue[1] = (byte)id.Length;
        id.CopyTo(sealedValue, 2);
        var nonce = sealedValue.AsSpan(2 + id.Length, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        var tag = sealedValue.AsSpan(2 + id.Length + NonceSize, TagSize);
        var cipher = sealedValue.AsSpan(2 + id.Length + NonceSize + TagSize);
        using var aes = new AesGcm(keys[PrimaryId], TagSize);
        aes.Encrypt(nonce, plaintext, cipher, tag, Encoding.UTF8.GetBytes(purpose));
        return sealedValue;
    }

    /// <summary>Opens a sealed value; throws <see cref="CryptographicException"/> if it was altered, sealed for another purpose or under a key not in the ring.</summary>
    public byte[] Open(ReadOnlySpan<byte> sealedValue, string purpose)
    {
        if (sealedValue.Length < 2 || sealedValue[0] != Format) throw new CryptographicException("Not a sealed value of a known format.");
        int idLength = sealedValue[1];
        if (sealedValue.Length < 2 + idLength + NonceSize + TagSize) throw new CryptographicException("Sealed value is truncated.");
        var id = Encoding.ASCII.GetString(sealedValue.Slice(2, idLength));
        if (!keys.TryGetValue(id, out var key)) throw new CryptographicException($"Sealed under master key '{id}', which is not in the ring.");
        var nonce = sealedValue.Slice(2 + idLength, NonceSize);
        var tag = sealedValue.Slice(2 + idLength + NonceSize, TagSize);
        var cipher = sealedValue[(2 + idLength + NonceSize + TagSize)..];
        var plaintext = new byte[cipher.Length];
        using var aes = new AesGcm(key, TagSize);
        aes.Decrypt(nonce, cipher, tag, plaintext, Encoding.UTF8.GetBytes(purpose));
        return plaintext;
    }

    /// <summary>The id of the master key a value was sealed under (to find what a rotation must re-seal).</summary>
    public static string KeyIdOf(ReadOnlySpan<byte> sealedValue) =>
        sealedValue.Length >= 2 && sealedValue[0] == Format && sealedValue.Length >= 2 + sealedValue[1]
            ? Encoding.ASCII.GetString(sealedValue.Slice(2, sealedValue[1]))
            : throw new CryptographicException("Not a sealed value of a known format.");

    /// <summary>
    /// A key derived from the primary for one purpose (HKDF-SHA256), for material every node must agree on without
    /// storing it (e.g. a local KMS key's material from its id).
    /// </summary>
    public byte[] Derive(string keyId, string purpose)
    {
        if (!keys.TryGetValue(keyId, out var key)) throw new CryptographicException($"Master key '{keyId}' is not in the ring.");
        return HKDF.DeriveKey(HashAlgorithmName.SHA256, key, KeySize, salt: [], info: Encoding.UTF8.GetBytes(purpose));
    }
}
