using System.CommandLine;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Cairn.Cli.Server;

namespace Cairn.Cli.Cluster;

/// <summary>
/// `cairn cluster local --nodes 3 [--data DIR]`: a cluster on this machine, each node its own `cairn server`
/// process with its own data folder, S3 port and cluster port. Once every node is ready it prints one line
/// per node, <c>NODE_ID S3_URL</c> (scripts and tests read it: keep it stable), and it stops its nodes on
/// SIGTERM or Ctrl+C. Each node's output goes to DIR/NODE_ID.log. Arguments after <c>--</c> go to every server.
/// </summary>
public static class LocalClusterCommand
{
    public static Command Create()
    {
        var nodes = new Option<int>("--nodes") { Description = "How many nodes", DefaultValueFactory = _ => 3 };
        var data = new Option<string>("--data") { Description = "Folder holding each node's data folder and log", DefaultValueFactory = _ => "./cluster-data" };
        var s3Port = new Option<int>("--s3-port") { Description = "S3 port of the first node; the next nodes take the following ports", DefaultValueFactory = _ => 9001 };
        var clusterPort = new Option<int>("--cluster-port") { Description = "Cluster port of the first node; the next nodes take the following ports", DefaultValueFactory = _ => 7101 };
        var local = new Command("local", "Start a cluster of `cairn server` processes on this machine") { nodes, data, s3Port, clusterPort };
        local.TreatUnmatchedTokensAsErrors = false;
        local.SetAction(async (parse, cancellationToken) =>
        {
            var count = parse.GetValue(nodes);
            if (count is < 1 or > 9) throw new ArgumentException("--nodes must be between 1 and 9.");
            var folder = Path.GetFullPath(parse.GetValue(data)!);
            Directory.CreateDirectory(folder);
            var secret = Environment.GetEnvironmentVariable(ClusterArguments.SecretVariable) is { Length: >= 16 } given ? given : SecretOf(folder);
            var members = Enumerable.Range(1, count)
                .Select(i => new LocalNode($"n{i}", $"127.0.0.1:{parse.GetValue(s3Port) + i - 1}", $"127.0.0.1:{parse.GetValue(clusterPort) + i - 1}", Path.Combine(folder, $"n{i}")))
                .ToArray();
            var join = string.Join(',', members.Select(m => m.ClusterAddress));
            var processes = new List<Process>();
            try
            {
                foreach (var member in members)
                    processes.Add(Start(member, join, secret, parse.UnmatchedTokens, folder));
                foreach (var (member, process) in members.Zip(processes))
                    await WaitReadyAsync(member, process, folder, cancellationToken);
                foreach (var member in members) Console.WriteLine($"{member.Id} http://{member.S3Address}");
                Console.Out.Flush();
                await Task.WhenAny(Task.Delay(Timeout.Infinite, cancellationToken), Task.WhenAll(processes.Select(p => p.WaitForExitAsync(CancellationToken.None))));
                return cancellationToken.IsCancellationRequested ? 0 : 1;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return 0;
            }
            finally
            {
                await StopAsync(processes);
            }
        });
        return new Command("cluster", "Run a cluster") { local };
    }

    private sealed record LocalNode(string Id, string S3Address, string ClusterAddress, string DataPath);

    /// <summary>The cluster secret of this folder's cluster: made once, kept beside the data (mode 600), so restarts agree.</summary>
    private static string SecretOf(string folder)
    {
        var file = Path.Combine(folder, "cluster-secret");
        if (!File.Exists(file))
        {
            File.WriteAllText(file, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)));
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        return File.ReadAllText(file).Trim();
    }

    private static Process Start(LocalNode node, string join, string secret, IReadOnlyList<string> serverArguments, string folder)
    {
        var info = new ProcessStartInfo(Environment.ProcessPath!) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])["server", "--node-id", node.Id, "--address", node.S3Address, "--cluster-address", node.ClusterAddress,
                     "--join", join, "--data", node.DataPath, .. serverArguments.Where(a => a != "--")])
            info.ArgumentList.Add(argument);
        info.Environment[ClusterArguments.SecretVariable] = secret;
        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start node {node.Id}.");
        var log = new StreamWriter(Path.Combine(folder, $"{node.Id}.log"), append: true) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task WaitReadyAsync(LocalNode node, Process process, string folder, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        while (System.Diagnostics.Stopwatch.GetElapsedTime(started) < TimeSpan.FromMinutes(2))
        {
            if (process.HasExited)
                throw new InvalidOperationException($"Node {node.Id} exited with {process.ExitCode}; see {Path.Combine(folder, node.Id + ".log")}.");
            try
            {
                if ((await http.GetAsync($"http://{node.S3Address}/health/ready", cancellationToken)).IsSuccessStatusCode) return;
            }
            catch (Exception e) when (e is HttpRequestException || e is TaskCanceledException && !cancellationToken.IsCancellationRequested) { }
            await Task.Delay(100, cancellationToken);
        }
        throw new TimeoutException($"Node {node.Id} was not ready within 2 minutes; see {Path.Combine(folder, node.Id + ".log")}.");
    }

    /// <summary>SIGTERM to every node, then SIGKILL to any still running after ten seconds.</summary>
    private static async Task StopAsync(List<Process> processes)
    {
        foreach (var process in processes.Where(p => !p.HasExited)) _ = Kill(process.Id, 15);
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        foreach (var process in processes)
        {
            try
            {
                await process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
            }
            process.Dispose();
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
