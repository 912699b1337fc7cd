using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Cairn.Testing;

namespace Cairn.Node.Tests;

/// <summary>`cairn cluster local`: prints one `NODE_ID S3_URL` line per ready node, serves one store, stops its nodes on SIGTERM.</summary>
public sealed partial class LocalClusterCommandTests
{
    [Fact]
    public async Task It_prints_one_line_per_ready_node_serves_one_store_and_stops_its_nodes_on_SIGTERM()
    {
        var folder = Path.Combine(Path.GetTempPath(), "cairn-local-" + Guid.NewGuid().ToString("N")[..10]);
        var s3Port = 20_000 + Random.Shared.Next(0, 500) * 20;
        var clusterPort = s3Port + 10;
        var info = ServerProcess.CairnCommand("cluster", "local", "--nodes", "3", "--data", folder, "--s3-port", $"{s3Port}", "--cluster-port", $"{clusterPort}");
        info.RedirectStandardOutput = true;
        using var process = Process.Start(info)!;
        _ = process.StandardError.ReadToEndAsync();
        try
        {
            var lines = new List<string>();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            while (lines.Count < 3 && await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
                if (line.Length > 0) lines.Add(line);
            Assert.Equal([$"n1 http://127.0.0.1:{s3Port}", $"n2 http://127.0.0.1:{s3Port + 1}", $"n3 http://127.0.0.1:{s3Port + 2}"], lines);

            var urls = lines.Select(l => NodeLine().Match(l).Groups["url"].Value).ToArray();
            var clients = urls.Select(u => new AmazonS3Client(new BasicAWSCredentials(ServerProcess.AccessKey, ServerProcess.SecretKey),
                new AmazonS3Config { ServiceURL = u, ForcePathStyle = true, AuthenticationRegion = ServerProcess.Region })).ToArray();
            var bucket = ServerFixture.NewBucketName("local");
            await clients[0].PutBucketAsync(bucket);
            await clients[1].PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "one store" });
            using var get = await clients[2].GetObjectAsync(bucket, "k");
            Assert.Equal("one store", await new StreamReader(get.ResponseStream).ReadToEndAsync());

            Assert.Equal(0, Kill(process.Id, 15));
            await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
            Assert.Equal(0, process.ExitCode);
            foreach (var port in new[] { s3Port, s3Port + 1, s3Port + 2, clusterPort, clusterPort + 1, clusterPort + 2 })
                Assert.False(Listening(port), $"port {port} is still served after SIGTERM");
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
    }

    private static bool Listening(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"^n\d (?<url>http://127\.0\.0\.1:\d+)$")]
    private static partial Regex NodeLine();

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
