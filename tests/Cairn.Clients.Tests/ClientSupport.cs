using System.Collections;
using System.Text;
using Cairn.Testing;

namespace Cairn.Clients.Tests;

/// <summary>A temporary directory deleted on dispose.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir(string hint = "cairn-clients")
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"{hint}-{Guid.NewGuid():N}"[..(hint.Length + 13)]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Sub(string name)
    {
        var p = System.IO.Path.Combine(Path, name);
        Directory.CreateDirectory(p);
        return p;
    }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}

/// <summary>The external clients under test, and a clean environment to run them in.</summary>
public static class Clients
{
    public const string AwsCli = "/usr/bin/aws";
    public const string Python = "/usr/bin/python3";
    public const string S3cmd = "/usr/bin/s3cmd";
    public const string Rclone = "/usr/bin/rclone";

    /// <summary>
    /// Fails (never skips) when a client is missing: CI must install it (scripts/ installs awscli, s3cmd,
    /// rclone and python3-boto3 through apt-get).
    /// </summary>
    public static void Require(string executable)
    {
        if (!System.IO.File.Exists(executable))
            Assert.Fail($"{executable} is not installed: these tests need the Debian packages awscli, s3cmd, rclone and python3-boto3 (apt-get install -y awscli s3cmd rclone python3-boto3).");
    }

    /// <summary>
    /// An environment for a child client: every inherited AWS_*, RCLONE_* and S3CMD variable removed (AWS_CA_BUNDLE
    /// in particular stops rclone 1.60 from starting, and a developer's AWS_PROFILE or region would leak in),
    /// HOME pointed at <paramref name="home"/> so no ~/.aws, ~/.s3cfg or rclone.conf is read, and the test
    /// credentials set explicitly.
    /// </summary>
    public static Dictionary<string, string?> Environment(string home)
    {
        var env = new Dictionary<string, string?>();
        foreach (DictionaryEntry e in System.Environment.GetEnvironmentVariables())
        {
            var key = (string)e.Key;
            if (key.StartsWith("AWS_", StringComparison.OrdinalIgnoreCase) || key.StartsWith("RCLONE_", StringComparison.OrdinalIgnoreCase)
                || key.StartsWith("S3CMD", StringComparison.OrdinalIgnoreCase) || key.StartsWith("BOTO", StringComparison.OrdinalIgnoreCase)
                || key is "PYTHONPATH" or "PYTHONHOME" or "HTTP_PROXY" or "http_proxy" or "HTTPS_PROXY" or "https_proxy" or "ALL_PROXY" or "all_proxy")
                env[key] = null;
        }
        env["HOME"] = home;
        env["NO_PROXY"] = "127.0.0.1,localhost";
        env["no_proxy"] = "127.0.0.1,localhost";
        env["AWS_ACCESS_KEY_ID"] = ServerProcess.AccessKey;
        env["AWS_SECRET_ACCESS_KEY"] = ServerProcess.SecretKey;
        env["AWS_DEFAULT_REGION"] = ServerProcess.Region;
        env["AWS_REGION"] = ServerProcess.Region;
        env["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null";
        env["AWS_CONFIG_FILE"] = "/dev/null";
        env["AWS_EC2_METADATA_DISABLED"] = "true";
        // No silent retries in botocore (AWS CLI, boto3): a request that failed or stalled must show up as a failure.
        env["AWS_MAX_ATTEMPTS"] = "1";
        env["AWS_RETRY_MODE"] = "standard";
        env["AWS_PAGER"] = "";
        env["PYTHONIOENCODING"] = "utf-8";
        env["LANG"] = "C.UTF-8";
        env["LC_ALL"] = "C.UTF-8";
        return env;
    }

    public static async Task<ProcessResult> RunAsync(string file, IEnumerable<string> args, IDictionary<string, string?> env, string? stdin = null, TimeSpan? timeout = null)
    {
        Require(file);
        return await ProcessRunner.RunAsync(file, args, env, timeout ?? TimeSpan.FromMinutes(2), stdin);
    }

    /// <summary>Asserts exit code 0, showing the command's output and the server's log otherwise.</summary>
    public static ProcessResult Succeeded(this ProcessResult result, ServerFixture fixture, string what)
    {
        if (result.ExitCode != 0)
            Assert.Fail($"{what} failed: {result}\n--- server log (tail) ---\n{Tail(fixture.Server.Log, 60)}");
        return result;
    }

    public static string Tail(string text, int lines)
    {
        var all = text.Split('\n');
        return string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
    }
}

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
