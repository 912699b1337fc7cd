using System.Security.Cryptography;
using System.Text;
using Cairn.Core.Secrets;

namespace Cairn.Core.Tests;

public sealed class MasterKeyRingTests
{
    private static MasterKeyRing Ring(params string[] ids) =>
        new(ids.Select(id => (id, RandomNumberGenerator.GetBytes(MasterKeyRing.KeySize))).ToArray());

    [Fact]
    public void A_sealed_value_opens_for_its_purpose_only()
    {
        var ring = Ring("k1");
        var sealedValue = ring.Seal("secret"u8, "iam-secret:AKIA1");
        Assert.Equal("secret", Encoding.UTF8.GetString(ring.Open(sealedValue, "iam-secret:AKIA1")));
        Assert.ThrowsAny<CryptographicException>(() => ring.Open(sealedValue, "iam-secret:AKIA2"));
        Assert.DoesNotContain("secret", Encoding.Latin1.GetString(sealedValue));
    }

    [Fact]
    public void An_altered_value_does_not_open()
    {
        var ring = Ring("k1");
        var sealedValue = ring.Seal("secret"u8, "p");
        sealedValue[^1] ^= 1;
        Assert.ThrowsAny<CryptographicException>(() => ring.Open(sealedValue, "p"));
    }

    [Fact]
    public void After_rotation_old_values_open_and_new_ones_use_the_new_primary()
    {
        var old = Ring("k1");
        var oldText = $"k1 {Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))}\n";
        var before = MasterKeyRing.Parse(oldText);
        var sealedBefore = before.Seal("a"u8, "p");
        var rotated = MasterKeyRing.Parse($"# rotated\nk2 {Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))}\n{oldText}");
        Assert.Equal("k2", rotated.PrimaryId);
        Assert.Equal("a", Encoding.UTF8.GetString(rotated.Open(sealedBefore, "p")));
        Assert.Equal("k2", MasterKeyRing.KeyIdOf(rotated.Seal("b"u8, "p")));
        Assert.ThrowsAny<CryptographicException>(() => old.Open(sealedBefore, "p"));
    }

    [Fact]
    public void A_missing_file_is_created_once_and_read_back()
    {
        var dir = Directory.CreateTempSubdirectory("cairn-keyring");
        try
        {
            var path = Path.Combine(dir.FullName, "master.key");
            Assert.Throws<FileNotFoundException>(() => MasterKeyRing.Load(path, createIfMissing: false));
            var first = MasterKeyRing.Load(path, createIfMissing: true);
            var sealedValue = first.Seal("x"u8, "p");
            var again = MasterKeyRing.Load(path, createIfMissing: true);
            Assert.Equal("x", Encoding.UTF8.GetString(again.Open(sealedValue, "p")));
            if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
        finally { dir.Delete(recursive: true); }
    }

    [Fact]
    public void Keys_of_the_wrong_size_are_refused() =>
        Assert.Throws<ArgumentException>(() => new MasterKeyRing([("k1", new byte[16])]));
}
