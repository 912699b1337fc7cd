using System.Security.Cryptography;
using System.Text.Json;
using Cairn.Testing;

namespace Cairn.Node.Tests;

/// <summary>The AWS CLI and boto3 (Debian's packages) against a three-node cluster: what one writes through one node, the others read.</summary>
public sealed class ClusterClientsTests(ThreeNodeCluster fixture) : IClassFixture<ThreeNodeCluster>, IDisposable
{
    private readonly TempDir temp = new("cairn-cluster-clients");

    public void Dispose() => temp.Dispose();

    private LocalClusterProcesses Cluster => fixture.Cluster;

    private Dictionary<string, string?> Env()
    {
        var config = temp.File("aws-config");
        // Multipart from 8 MiB, so a 20 MiB file is a three-part upload.
        if (!File.Exists(config)) File.WriteAllText(config, "[default]\nregion = us-east-1\ns3 =\n    multipart_threshold = 8MB\n    multipart_chunksize = 8MB\n");
        var env = ExternalClients.Environment(temp.Sub("home"));
        env["AWS_CONFIG_FILE"] = config;
        return env;
    }

    private async Task<ProcessResult> AwsAsync(ClusterNodeProcess node, params string[] args)
    {
        var result = await ExternalClients.RunAsync(ExternalClients.AwsCli,
            ["--endpoint-url", node.Server.Endpoint, "--no-cli-pager", "--output", "json", "--cli-read-timeout", "30", .. args], Env());
        Assert.True(result.ExitCode == 0, $"aws {string.Join(' ', args)} through {node.Id} failed: {result}");
        return result;
    }

    [Fact]
    public async Task The_AWS_CLI_writes_through_one_node_and_reads_through_the_others()
    {
        var bucket = ServerFixture.NewBucketName("awscli");
        var (n1, n2, n3) = (Cluster.Nodes[0], Cluster.Nodes[1], Cluster.Nodes[2]);
        await AwsAsync(n1, "s3", "mb", $"s3://{bucket}");
        var source = temp.File("big.bin");
        await File.WriteAllBytesAsync(source, RandomNumberGenerator.GetBytes(20 * 1024 * 1024 + 17));
        await AwsAsync(n2, "s3", "cp", source, $"s3://{bucket}/big.bin");
        foreach (var node in new[] { n1, n3 })
        {
            var copy = temp.File($"copy-{node.Id}.bin");
            await AwsAsync(node, "s3", "cp", $"s3://{bucket}/big.bin", copy);
            Assert.Equal(SHA256.HashData(await File.ReadAllBytesAsync(source)), SHA256.HashData(await File.ReadAllBytesAsync(copy)));
        }
        var head = JsonDocument.Parse((await AwsAsync(n3, "s3api", "head-object", "--bucket", bucket, "--key", "big.bin")).Stdout).RootElement;
        Assert.EndsWith("-3\"", head.GetProperty("ETag").GetString()); // a three-part upload's md5-of-md5s ETag
        var listed = JsonDocument.Parse((await AwsAsync(n1, "s3api", "list-objects-v2", "--bucket", bucket)).Stdout).RootElement;
        Assert.Equal(["big.bin"], listed.GetProperty("Contents").EnumerateArray().Select(o => o.GetProperty("Key").GetString()));
        await AwsAsync(n3, "s3", "rm", $"s3://{bucket}/big.bin");
        var gone = await ExternalClients.RunAsync(ExternalClients.AwsCli,
            ["--endpoint-url", n2.Server.Endpoint, "--output", "json", "s3api", "head-object", "--bucket", bucket, "--key", "big.bin"], Env());
        Assert.NotEqual(0, gone.ExitCode);
        Assert.Contains("404", gone.Stderr);
    }

    [Fact]
    public async Task Boto3_writes_through_one_node_and_reads_through_the_others()
    {
        var endpoints = string.Join(",", Cluster.Nodes.Select(n => n.Server.Endpoint));
        const string script = """
            import os, json, hashlib, boto3
            from botocore.config import Config
            from boto3.s3.transfer import TransferConfig
            def client(url):
                return boto3.client('s3', endpoint_url=url, region_name='us-east-1',
                    config=Config(signature_version='s3v4', s3={'addressing_style': 'path'}, retries={'max_attempts': 1, 'mode': 'standard'}))
            urls = os.environ['CAIRN_ENDPOINTS'].split(',')
            clients = [client(u) for u in urls]
            bucket = os.environ['CAIRN_BUCKET']
            clients[2].create_bucket(Bucket=bucket)
            body = os.urandom(12 * 1024 * 1024 + 5)
            clients[2].upload_fileobj(__import__('io').BytesIO(body), bucket, 'multi', Config=TransferConfig(multipart_threshold=5*1024*1024, multipart_chunksize=5*1024*1024))
            clients[1].put_object(Bucket=bucket, Key='small', Body=b'hello cluster')
            seen = {}
            for i, c in enumerate(clients):
                seen[str(i)] = {
                    'multi': hashlib.sha256(c.get_object(Bucket=bucket, Key='multi')['Body'].read()).hexdigest() == hashlib.sha256(body).hexdigest(),
                    'small': c.get_object(Bucket=bucket, Key='small')['Body'].read().decode(),
                    'keys': [o['Key'] for o in c.list_objects_v2(Bucket=bucket)['Contents']],
                }
            print(json.dumps(seen))
            """;
        var env = ExternalClients.Environment(temp.Sub("home"));
        env["CAIRN_ENDPOINTS"] = endpoints;
        env["CAIRN_BUCKET"] = ServerFixture.NewBucketName("boto3");
        var result = await ExternalClients.RunAsync(ExternalClients.Python, ["-"], env, stdin: script);
        Assert.True(result.ExitCode == 0, $"boto3 failed: {result}");
        var seen = JsonDocument.Parse(result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last()).RootElement;
        foreach (var node in seen.EnumerateObject())
        {
            Assert.True(node.Value.GetProperty("multi").GetBoolean(), $"the multipart object read through node {node.Name} differs");
            Assert.Equal("hello cluster", node.Value.GetProperty("small").GetString());
            Assert.Equal(["multi", "small"], node.Value.GetProperty("keys").EnumerateArray().Select(k => k.GetString()));
        }
    }
}
