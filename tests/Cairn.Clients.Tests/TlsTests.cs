using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Amazon.S3;
using Amazon.S3.Model;
using Cairn.Testing;

namespace Cairn.Clients.Tests;

/// <summary>
/// S3 over HTTPS (`cairn server --tls-cert --tls-key`): the AWS SDK and the AWS CLI through a test CA, a client that does
/// not trust it refused at the handshake, HTTP/2 by ALPN, and a renewed certificate served without a restart.
/// </summary>
public sealed class TlsTests(TlsServerFixture fixture) : IClassFixture<TlsServerFixture>, IDisposable
{
    private readonly TempDir temp = new("cairn-tls-cli");

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task Sdk_puts_gets_and_lists_over_https_with_aws_chunked_uploads()
    {
        Assert.StartsWith("https://", fixture.Server.Endpoint);
        var bucket = await fixture.NewBucketAsync("tls");
        var data = RandomNumberGenerator.GetBytes(300_000); // several aws-chunked chunks of 81,920 bytes
        // Over HTTPS the SDK sends an unsigned aws-chunked body with a trailing checksum; signed chunks on request.
        await fixture.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "trailer", InputStream = new MemoryStream(data) });
        await fixture.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "signed-chunks", InputStream = new MemoryStream(data), UseChunkEncoding = true, DisablePayloadSigning = false });
        foreach (var key in new[] { "trailer", "signed-chunks" })
        {
            using var got = await fixture.S3.GetObjectAsync(bucket, key);
            using var read = new MemoryStream();
            await got.ResponseStream.CopyToAsync(read);
            Assert.True(read.ToArray().AsSpan().SequenceEqual(data), $"{key} read back differs");
        }
        var listed = await fixture.S3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
        Assert.Equal(["signed-chunks", "trailer"], listed.S3Objects.Select(o => o.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Presigned_https_url_serves_the_object()
    {
        var bucket = await fixture.NewBucketAsync("tls-presign");
        await fixture.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "presigned over tls" });
        var url = await fixture.S3.GetPreSignedURLAsync(new GetPreSignedUrlRequest
        {
            BucketName = bucket, Key = "k", Verb = HttpVerb.GET, Expires = DateTime.UtcNow.AddMinutes(5), Protocol = Protocol.HTTPS,
        });
        Assert.StartsWith("https://", url);
        using var http = new HttpClient(fixture.Server.SocketsHandler());
        Assert.Equal("presigned over tls", await http.GetStringAsync(url));
    }

    [Fact]
    public async Task Client_that_does_not_trust_the_ca_fails_the_handshake()
    {
        using var http = new HttpClient(new SocketsHttpHandler()); // the machine's trusted roots, not the test CA
        var failure = await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync($"{fixture.Server.Endpoint}/health/ready"));
        Assert.IsType<AuthenticationException>(failure.InnerException);
    }

    [Fact]
    public async Task Http2_is_offered_by_alpn()
    {
        using var http = new HttpClient(fixture.Server.SocketsHandler()) { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var response = await http.GetAsync($"{fixture.Server.Endpoint}/health/ready");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpVersion.Version20, response.Version);
    }

    [Fact]
    public async Task Aws_cli_copies_and_reads_with_ca_bundle_and_refuses_without()
    {
        var bucket = await fixture.NewBucketAsync("tls-cli");
        var file = temp.File("upload.bin");
        var data = RandomNumberGenerator.GetBytes(100_000);
        await File.WriteAllBytesAsync(file, data);
        var env = ExternalClients.Environment(temp.Sub("home"));
        string[] common = ["--endpoint-url", fixture.Server.Endpoint, "--no-cli-pager", "--output", "json", "--cli-read-timeout", "30"];

        (await ExternalClients.RunAsync(ExternalClients.AwsCli, [.. common, "--ca-bundle", fixture.Ca.CaFile, "s3", "cp", file, $"s3://{bucket}/cli.bin"], env))
            .Succeeded(fixture, "aws s3 cp over https");
        var head = (await ExternalClients.RunAsync(ExternalClients.AwsCli, [.. common, "--ca-bundle", fixture.Ca.CaFile, "s3api", "head-object", "--bucket", bucket, "--key", "cli.bin"], env))
            .Succeeded(fixture, "aws s3api head-object over https");
        Assert.Contains("\"ContentLength\": 100000", head.Stdout);
        var back = temp.File("back.bin");
        (await ExternalClients.RunAsync(ExternalClients.AwsCli, [.. common, "--ca-bundle", fixture.Ca.CaFile, "s3", "cp", $"s3://{bucket}/cli.bin", back], env))
            .Succeeded(fixture, "aws s3 cp back over https");
        Assert.True((await File.ReadAllBytesAsync(back)).AsSpan().SequenceEqual(data));

        var untrusted = await ExternalClients.RunAsync(ExternalClients.AwsCli, [.. common, "s3api", "head-object", "--bucket", bucket, "--key", "cli.bin"], env);
        Assert.NotEqual(0, untrusted.ExitCode);
        Assert.Contains("SSL", untrusted.Stderr);
    }

    [Fact]
    public async Task Renewed_certificate_is_served_to_new_connections_without_a_restart()
    {
        var server = fixture.Server;
        var pid = server.ProcessId;
        var first = new List<string>();
        using var kept = new HttpClient(Recording(first, maxConnections: 1));
        Assert.Equal(HttpStatusCode.OK, (await kept.GetAsync($"{server.Endpoint}/health/ready")).StatusCode);
        var before = Assert.Single(first);

        // A broken pair (a key that does not match the certificate) is refused: the old certificate stays.
        var renewed = fixture.Ca.Issue(TestKeyKind.Ecdsa, "cairn-renewed");
        var stranger = fixture.Ca.Issue(TestKeyKind.Ecdsa, "cairn-stranger");
        await ReplaceAsync(server.ServerCertificate!.CertificateFile, renewed.CertificateFile);
        await ReplaceAsync(server.ServerCertificate.KeyFile, stranger.KeyFile);
        Assert.Equal(before, await SerialOfNewConnectionAsync());
        Assert.Contains("does not load", server.Log);

        // The right key arrives: new connections see the renewed (ECDSA) certificate.
        await ReplaceAsync(server.ServerCertificate.KeyFile, renewed.KeyFile);
        Assert.Equal(renewed.SerialNumber, await SerialOfNewConnectionAsync());
        Assert.NotEqual(before, renewed.SerialNumber);

        // The connection opened before goes on (no new handshake), and the process is the same one.
        Assert.Equal(HttpStatusCode.OK, (await kept.GetAsync($"{server.Endpoint}/health/ready")).StatusCode);
        Assert.Single(first);
        Assert.Equal(pid, server.ProcessId);

        // Put the original back for the other tests of the class.
        var original = fixture.Ca.Issue(TestKeyKind.Rsa);
        await ReplaceAsync(server.ServerCertificate.CertificateFile, original.CertificateFile);
        await ReplaceAsync(server.ServerCertificate.KeyFile, original.KeyFile);
        Assert.Equal(original.SerialNumber, await SerialOfNewConnectionAsync());
    }

    /// <summary>Replaces a file's contents as a renewal tool does: a new file renamed over the old.</summary>
    private static async Task ReplaceAsync(string target, string source)
    {
        var staging = target + ".new";
        await File.WriteAllBytesAsync(staging, await File.ReadAllBytesAsync(source));
        File.Move(staging, target, overwrite: true);
    }

    private async Task<string> SerialOfNewConnectionAsync()
    {
        var seen = new List<string>();
        using var http = new HttpClient(Recording(seen, maxConnections: 1));
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"{fixture.Server.Endpoint}/health/ready")).StatusCode);
        return Assert.Single(seen);
    }

    /// <summary>A handler trusting the test CA that records the serial number of every certificate it is shown (one per handshake).</summary>
    private SocketsHttpHandler Recording(List<string> serials, int maxConnections)
    {
        var handler = fixture.Server.SocketsHandler();
        handler.MaxConnectionsPerServer = maxConnections;
        handler.SslOptions = new SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = (sender, certificate, chain, errors) =>
            {
                lock (serials) serials.Add(((X509Certificate2)certificate!).SerialNumber);
                return fixture.Ca.Trusts(certificate, chain, errors);
            },
        };
        return handler;
    }
}
