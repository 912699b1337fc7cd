using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Cairn.Checking.Campaign;

/// <summary>
/// One node of a campaign: a <c>cairn server</c> process on its own data folder, S3 port and cluster port, which the
/// campaign kills, restarts and pauses. Its output is appended to <c>NODE.log</c> beside its data folder.
/// </summary>
public sealed partial class CampaignNode(string id, int s3Port, int clusterPort, string folder, string executable, string secret)
{
    private const int SigStop = 19;
    private const int SigCont = 18;

    private Process? process;
    private StreamWriter? log;

    public string Id => id;

    public Uri S3Endpoint { get; } = new($"http://127.0.0.1:{s3Port}/");

    public string ClusterAddress => $"127.0.0.1:{clusterPort}";

    public string DataPath => Path.Combine(folder, id);

    public IReadOnlyList<string> Drives => Enumerable.Range(0, CampaignSettings.DrivesPerNode).Select(d => Path.Combine(DataPath, "drives", $"d{d}")).ToList();

    public string LogPath => Path.Combine(folder, id + ".log");

    /// <summary>The arguments of its next start, besides the common ones: a clock offset, routes through the mesh.</summary>
    public List<string> ExtraArguments { get; } = [];

    public bool IsRunning => process is { HasExited: false };

    public bool IsPaused { get; private set; }

    public void Start(IReadOnlyList<string> arguments)
    {
        var info = new ProcessStartInfo(executable) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments.Concat(ExtraArguments)) info.ArgumentList.Add(argument);
        info.Environment["CAIRN_CLUSTER_SECRET"] = secret;
        log ??= new StreamWriter(LogPath, append: true) { AutoFlush = true };
        var writer = log;
        process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start node {id}.");
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (writer) writer.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (writer) writer.WriteLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        IsPaused = false;
    }

    public async Task WaitReadyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (process is { HasExited: true } gone) throw new InvalidOperationException($"Node {id} exited with {gone.ExitCode}; see {LogPath}.");
            try
            {
                if ((await http.GetAsync(new Uri(S3Endpoint, "health/ready"), cancellationToken).ConfigureAwait(false)).IsSuccessStatusCode) return;
            }
            catch (Exception e) when (e is HttpRequestException || e is TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
            }
            await Task.Delay(200, cancellationToken).ConfigureAwait(false);
        }
        throw new TimeoutException($"Node {id} was not ready within {timeout.TotalSeconds:0} s; see {LogPath}.");
    }

    /// <summary>kill -9: no shutdown, no flush.</summary>
    public void Kill()
    {
        if (process is not { HasExited: false } running) return;
        if (IsPaused) Resume(); // a stopped process dies on SIGKILL too, but its restart must not inherit the flag
        running.Kill(entireProcessTree: true);
        running.WaitForExit();
    }

    public void Pause()
    {
        if (process is { HasExited: false } running && SendSignal(running.Id, SigStop) == 0) IsPaused = true;
    }

    public void Resume()
    {
        if (process is { HasExited: false } running) SendSignal(running.Id, SigCont);
        IsPaused = false;
    }

    /// <summary>SIGTERM, then kill -9 after a grace period.</summary>
    public async Task StopAsync()
    {
        if (process is not { HasExited: false } running) return;
        if (IsPaused) Resume();
        SendSignal(running.Id, 15);
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await running.WaitForExitAsync(grace.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            running.Kill(entireProcessTree: true);
        }
        log?.Dispose();
        log = null;
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);
}
