using System.Collections;
using Xunit;

namespace Cairn.Testing;

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
public static class ExternalClients
{
    public const string AwsCli = "/usr/bin/aws";
    public const string Python = "/usr/bin/python3";
    public const string S3cmd = "/usr/bin/s3cmd";
    public const string Rclone = "/usr/bin/rclone";
    public const string Curl = "/usr/bin/curl";
    public const string Chromium = "/usr/bin/chromium";

    /// <summary>How Debian's chromium runs headless here (see FIELD-NOTES): no sandbox, GPU or background traffic.</summary>
    public static readonly string[] ChromiumArguments =
        ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

    /// <summary>
    /// Fails (never skips) when a client is missing: CI must install it (scripts/install-test-clients.sh installs
    /// awscli, s3cmd, rclone, python3-boto3, curl and chromium through apt-get).
    /// </summary>
    public static void Require(string executable)
    {
        if (!System.IO.File.Exists(executable))
            Assert.Fail($"{executable} is not installed: these tests need the Debian packages awscli, s3cmd, rclone, python3-boto3, curl and chromium (scripts/install-test-clients.sh installs them).");
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

