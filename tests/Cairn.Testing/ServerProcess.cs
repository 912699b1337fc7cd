using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Amazon.Runtime;
using Amazon.S3;

namespace Cairn.Testing;

/// <summary>
/// A real `cairn server` process on 127.0.0.1 with its own data directory, for tests to drive with
/// real clients. It can be killed (SIGKILL) and restarted on the same data and port.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    public const string AccessKey = "cairn-test-access";
    public const string SecretKey = "cairn-test-secret-key-0123456789";
    public const string Region = "us-east-1";

    private readonly StringBuilder log = new();
    private readonly StringBuilder errors = new();
    private string[] extraArgs;
    private Process? process;

    private readonly Dictionary<string, string> environment;

    private ServerProcess(string dataPath, int port, string[] extraArgs, IReadOnlyDictionary<string, string>? environment = null)
    {
        DataPath = dataPath;
        Port = port;
        this.extraArgs = extraArgs;
        this.environment = new Dictionary<string, string>(environment ?? new Dictionary<string, string>());
    }

    /// <summary>Sets (or, with null, removes) an environment variable of the next launch.</summary>
    public void SetEnvironment(string name, string? value)
    {
        if (value is null) environment.Remove(name);
        else environment[name] = value;
    }

    /// <summary>A server not started yet, on a port and data directory chosen by the caller (a cluster's node).</summary>
    public static ServerProcess Create(string dataPath, int port, string[] extraArgs, IReadOnlyDictionary<string, string> environment) =>
        new(dataPath, port, extraArgs, environment);

    /// <summary>Every XML response this server gave the tests' SDK clients and SignedHttp, checked against S3's shapes.</summary>
    public S3XmlValidation XmlValidation { get; } = new();

    public int? ProcessId => process is { HasExited: false } p ? p.Id : null;

    public bool IsRunning => process is { HasExited: false };

    public string DataPath { get; }
    public int Port { get; }
    public string Endpoint => $"{(Tls is null ? "http" : "https")}://127.0.0.1:{Port}";

    /// <summary>The CA the server's certificate comes from when it serves HTTPS (<see cref="StartTlsAsync"/>); null for plain HTTP.</summary>
    public TestCertificateAuthority? Tls { get; private set; }

    /// <summary>The certificate files the server was started with (replace their contents to test a reload).</summary>
    public IssuedCertificate? ServerCertificate { get; private set; }

    /// <summary>Serves HTTPS with <paramref name="certificate"/> (issued by <paramref name="ca"/>) from the next launch on.</summary>
    public void UseTls(TestCertificateAuthority ca, IssuedCertificate certificate)
    {
        Tls = ca;
        ServerCertificate = certificate;
    }

    /// <summary>
    /// A socket handler for this server: over HTTPS it trusts the test CA alone (the machine's store is not touched).
    /// Every HttpClient the tests point at the server is built on one.
    /// </summary>
    public SocketsHttpHandler SocketsHandler(bool allowAutoRedirect = false)
    {
        var handler = new SocketsHttpHandler { AllowAutoRedirect = allowAutoRedirect, AutomaticDecompression = DecompressionMethods.None };
        if (Tls is { } ca) handler.SslOptions = ca.ClientOptions();
        return handler;
    }
    public string Log { get { lock (log) return log.ToString(); } }

    /// <summary>What the process wrote to stderr alone (also in <see cref="Log"/>), over every launch.</summary>
    public string ErrorLog { get { lock (log) return errors.ToString(); } }

    /// <summary>Starts a server on a free port and a fresh temporary data directory, and waits until it is ready.</summary>
    public static Task<ServerProcess> StartAsync(params string[] extraArgs) =>
        StartInAsync(Path.Combine(Path.GetTempPath(), "cairn-test-" + Guid.NewGuid().ToString("N")[..12]), extraArgs);

    /// <summary>
    /// Starts a server that serves S3 over HTTPS with a certificate from <paramref name="ca"/> (an RSA one unless
    /// <paramref name="kind"/> says otherwise); its <see cref="Client"/>, <see cref="SignedHttp"/> and <see cref="SocketsHandler"/> trust that CA.
    /// </summary>
    public static async Task<ServerProcess> StartTlsAsync(TestCertificateAuthority ca, TestKeyKind kind = TestKeyKind.Rsa, params string[] extraArgs)
    {
        var server = new ServerProcess(Path.Combine(Path.GetTempPath(), "cairn-test-" + Guid.NewGuid().ToString("N")[..12]), FreePort(), extraArgs);
        server.UseTls(ca, ca.Issue(kind));
        await server.StartProcessAsync();
        return server;
    }

    /// <summary>Starts a server on a free port over a data directory prepared by the caller (e.g. one an earlier release wrote).</summary>
    public static async Task<ServerProcess> StartInAsync(string dataPath, params string[] extraArgs)
    {
        var server = new ServerProcess(dataPath, FreePort(), extraArgs);
        await server.StartProcessAsync();
        return server;
    }

    /// <summary>The cairn executable built next to the tests (the Cli project is referenced).</summary>
    public static string Executable => Path.Combine(AppContext.BaseDirectory, "cairn");

    public static ProcessStartInfo CairnCommand(params string[] args)
    {
        var info = new ProcessStartInfo(Executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["CAIRN_ACCESS_KEY"] = AccessKey;
        info.Environment["CAIRN_SECRET_KEY"] = SecretKey;
        info.Environment["CAIRN_LOG_LEVEL"] = "Debug";
        return info;
    }

    public async Task StartProcessAsync()
    {
        Launch();
        await WaitReadyAsync();
    }

    /// <summary>Starts the process without waiting (nodes of a cluster wait for each other before any is ready).</summary>
    public void Launch()
    {
        string[] tls = ServerCertificate is { } c ? ["--tls-cert", c.CertificateFile, "--tls-key", c.KeyFile, "--tls-ca", Tls!.CaFile] : [];
        var info = CairnCommand(["server", "--address", $"127.0.0.1:{Port}", "--data", DataPath, .. tls, .. extraArgs]);
        foreach (var (name, value) in environment) info.Environment[name] = value;
        process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
                lock (log)
                {
                    log.AppendLine(e.Data);
                    errors.AppendLine(e.Data);
                }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public async Task WaitReadyAsync(TimeSpan? timeout = null)
    {
        var process = this.process ?? throw new InvalidOperationException("Not launched.");
        using var http = new HttpClient(SocketsHandler()) { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited) throw new InvalidOperationException($"cairn server exited with {process.ExitCode}:\n{Log}");
            try
            {
                if ((await http.GetAsync($"{Endpoint}/health/ready")).StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(100);
        }
        throw new TimeoutException($"cairn server did not become ready:\n{Log}");
    }

    /// <summary>Waits for the process to end by itself (a refusal at start) and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        var process = this.process ?? throw new InvalidOperationException("Not launched.");
        using var deadline = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(deadline.Token);
        return process.ExitCode;
    }

    /// <summary>Fragment files on the default single drive: what the GC tests count.</summary>
    public int FragmentFiles() =>
        Directory.EnumerateFiles(Path.Combine(DataPath, "drives", "d0", "fragments"), "*", SearchOption.AllDirectories).Count();

    /// <summary>SIGTERM, as an operator or a service manager stops a node, and waits for it to exit (kill -9 after 30 s).</summary>
    public async Task StopGracefullyAsync()
    {
        if (process is not { HasExited: false } running) return;
        _ = SendSignal(running.Id, 15);
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await running.WaitForExitAsync(grace.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
            throw new TimeoutException($"cairn server did not stop within 30 s of SIGTERM:\n{Log}");
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);

    /// <summary>kill -9: no shutdown hooks, no flushes.</summary>
    public void Kill()
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
    }

    public async Task RestartAsync()
    {
        Kill();
        await StartProcessAsync();
    }

    /// <summary>kill -9, then start again on the same data and port with other server arguments (e.g. a clock offset).</summary>
    public async Task RestartAsync(params string[] newExtraArgs)
    {
        extraArgs = newExtraArgs;
        await RestartAsync();
    }

    public AmazonS3Client Client(Action<AmazonS3Config>? configure = null) => Client(AccessKey, SecretKey, configure);

    /// <summary>A client signing with another key pair (an IAM user's).</summary>
    public AmazonS3Client Client(string accessKey, string secretKey, Action<AmazonS3Config>? configure = null)
    {
        var config = new AmazonS3Config
        {
            ServiceURL = Endpoint,
            ForcePathStyle = true,
            AuthenticationRegion = Region,
            MaxErrorRetry = 0,
            HttpClientFactory = XmlValidation.ClientFactory(SocketsHandler),
        };
        configure?.Invoke(config);
        return new AmazonS3Client(new BasicAWSCredentials(accessKey, secretKey), config);
    }

    /// <summary>Where each server's log is kept after the test, for diagnosing failures.</summary>
    /// <summary>Runs `cairn admin ARGS --json` against this server and returns the parsed answer.</summary>
    public async Task<System.Text.Json.JsonElement> AdminAsync(params string[] args)
    {
        var command = CairnCommand(["admin", .. args, "--json", "--endpoint", Endpoint]);
        // .NET on Linux reads its trusted roots from SSL_CERT_FILE when set: the admin client then trusts the test CA.
        if (Tls is { } ca) command.Environment["SSL_CERT_FILE"] = ca.CaFile;
        var result = await ProcessRunner.RunAsync(command);
        if (result.ExitCode != 0) throw new InvalidOperationException($"cairn admin {string.Join(' ', args)} failed: {result}");
        return System.Text.Json.JsonDocument.Parse(result.Stdout).RootElement.Clone();
    }

    public static string LogDirectory => Path.Combine(Path.GetTempPath(), "cairn-test-logs");

    public async ValueTask DisposeAsync()
    {
        Kill();
        Directory.CreateDirectory(LogDirectory);
        await File.WriteAllTextAsync(Path.Combine(LogDirectory, $"server-{Port}.log"), Log);
        process?.Dispose();
        await Task.Yield();
        try
        {
            Directory.Delete(DataPath, recursive: true);
        }
        catch (IOException) { }
    }

    /// <summary>
    /// A port no one listens on now, below the kernel's ephemeral range (32768 and up here): a port the kernel handed
    /// out and took back could go to an outgoing connection before the server binds it, which failed a test under
    /// load. Never the same port twice in this process.
    /// </summary>
    public static int FreePort()
    {
        lock (HandedOut)
        {
            while (true)
            {
                var port = Random.Shared.Next(10_000, 20_000); // cluster ports (ClusterPorts) take 20000 and up
                if (!HandedOut.Add(port)) continue;
                try
                {
                    using var listener = new TcpListener(IPAddress.Loopback, port);
                    listener.Start();
                    return port;
                }
                catch (SocketException)
                {
                }
            }
        }
    }

    private static readonly HashSet<int> HandedOut = [];
}
