using System.Collections;
using System.Text;
using Cairn.Testing;

namespace Cairn.Clients.Tests;

/// <summary>Directory trees with awkward names, and byte-exact comparison of two trees.</summary>
public static class Trees
{
    /// <summary>Names that need URL encoding or that S3 clients commonly get wrong.</summary>
    public static readonly string[] AwkwardFiles =
    [
        "plain.txt",
        "with space.txt",
        "dir one/nested two/deep file.bin",
        "dir one/a+b=c.txt",
        "dir one/100% sure.txt",
        "ünïcödé/日本語 ファイル.txt",
        "ünïcödé/emoji 🎉.dat",
        "sym/k=v&x=y;z,w.txt",
        "sym/tilde~(paren)[bracket]'quote'.txt",
        "a/b/c/d/e/f/leaf",
        "empty file",
    ];

    /// <summary>Writes the awkward names with random content (the empty file stays empty) plus <paramref name="extra"/> files.</summary>
    public static IReadOnlyList<string> Create(string root, int seed, IEnumerable<(string Name, int Size)>? extra = null)
    {
        var random = new Random(seed);
        var files = AwkwardFiles.Select(n => (n, n == "empty file" ? 0 : random.Next(1, 5000))).ToList();
        if (extra is not null) files.AddRange(extra);
        foreach (var (name, size) in files)
        {
            var path = Path.Combine(root, name);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var bytes = new byte[size];
            random.NextBytes(bytes);
            File.WriteAllBytes(path, bytes);
        }
        return files.Select(f => f.Item1).ToList();
    }

    public static SortedSet<string> RelativeFiles(string root) =>
        new(Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/')), StringComparer.Ordinal);

    /// <summary>Same set of relative file names and the same bytes in every file.</summary>
    public static void AssertEqual(string expectedRoot, string actualRoot)
    {
        var expected = RelativeFiles(expectedRoot);
        var actual = RelativeFiles(actualRoot);
        var missing = expected.Except(actual).ToList();
        var unexpected = actual.Except(expected).ToList();
        Assert.True(missing.Count == 0 && unexpected.Count == 0,
            $"trees differ.\nmissing: {string.Join(" | ", missing)}\nunexpected: {string.Join(" | ", unexpected)}");
        foreach (var name in expected)
        {
            var a = File.ReadAllBytes(Path.Combine(expectedRoot, name));
            var b = File.ReadAllBytes(Path.Combine(actualRoot, name));
            Assert.True(a.AsSpan().SequenceEqual(b), $"content of '{name}' differs: {a.Length} bytes expected, {b.Length} read back");
        }
    }
}

/// <summary>Bitwise reference CRCs, independent of Cairn's own implementations.</summary>
public static class ReferenceCrc
{
    public static uint Crc32C(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (var b in data)
        {
            crc ^= b;
            for (int i = 0; i < 8; i++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
        }
        return ~crc;
    }

    public static ulong Crc64Nvme(ReadOnlySpan<byte> data)
    {
        ulong crc = ulong.MaxValue;
        foreach (var b in data)
        {
            crc ^= b;
            for (int i = 0; i < 8; i++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x9A6C9329AC4BC9B5ul : crc >> 1;
        }
        return ~crc;
    }

    /// <summary>S3's representation: base64 of the big-endian value.</summary>
    public static string Base64(uint value)
    {
        var bytes = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return Convert.ToBase64String(bytes);
    }

    public static string Base64(ulong value)
    {
        var bytes = new byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(bytes, value);
        return Convert.ToBase64String(bytes);
    }

    public static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);
}

public static class Bytes
{
    public static bool Same(byte[] a, byte[] b) => a.AsSpan().SequenceEqual(b);
}
