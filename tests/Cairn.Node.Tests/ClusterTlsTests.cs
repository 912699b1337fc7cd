using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Amazon.S3.Model;
using Cairn.Testing;
using Cairn.Transport;

namespace Cairn.Node.Tests;

/// <summary>
/// A cluster whose nodes have certificates from one CA: S3 over HTTPS, and the cluster port (HTTP/2 calls and Raft) over
/// mutual TLS. The cluster forming at all proves Raft and the node-to-node calls work over TLS; the handshakes below prove
/// the port refuses plain HTTP/2 and peers without a certificate from the CA.
/// </summary>
public sealed class ClusterTlsTests(ClusterTlsTests.TlsCluster fixture) : IClassFixture<ClusterTlsTests.TlsCluster>
{
    private readonly TestCertificateAuthority ca = fixture.Ca;
    private readonly LocalClusterProcesses cluster = fixture.Cluster;

    /// <summary>Three nodes, each with its own certificate from one test CA.</summary>
    public sealed class TlsCluster : IAsyncLifetime
    {
        public TestCertificateAuthority Ca { get; } = TestCertificateAuthority.Create("Cairn Test Cluster CA");
        public LocalClusterProcesses Cluster { get; private set; } = null!;

        public async Task InitializeAsync() => Cluster = await LocalClusterProcesses.StartAsync(3, tls: Ca);

        public async Task DisposeAsync()
        {
            await Cluster.DisposeAsync();
            Ca.Dispose();
        }
    }

    [Fact]
    public async Task Three_nodes_over_tls_serve_a_put_on_one_node_to_a_get_on_another()
    {
        var data = RandomNumberGenerator.GetBytes(200_000); // erasure-coded across the nodes: fragments travel over the cluster port
        using var first = cluster.Client(cluster.Nodes[0]);
        using var second = cluster.Client(cluster.Nodes[2]);
        await first.PutBucketAsync("tls-cluster");
        await first.PutObjectAsync(new PutObjectRequest { BucketName = "tls-cluster", Key = "k", InputStream = new MemoryStream(data) });
        using var got = await second.GetObjectAsync("tls-cluster", "k");
        using var read = new MemoryStream();
        await got.ResponseStream.CopyToAsync(read);
        Assert.True(read.ToArray().AsSpan().SequenceEqual(data));
        Assert.StartsWith("https://", cluster.Nodes[2].Server.Endpoint);
    }

    [Fact]
    public async Task Cluster_port_speaks_tls_with_the_node_certificate_and_requires_a_peer_certificate()
    {
        var node = cluster.Nodes[1];
        var peer = ca.Issue(commonName: "n9");

        // A peer with a certificate from the CA completes the handshake and negotiates HTTP/2; the node shows its own certificate.
        await using (var tls = await HandshakeAsync(node.ClusterPort, peer.Certificate))
        {
            Assert.Equal(SslApplicationProtocol.Http2, tls.NegotiatedApplicationProtocol);
            Assert.Equal(node.Server.ServerCertificate!.SerialNumber, ((X509Certificate2)tls.RemoteCertificate!).SerialNumber);
        }

        // Without a client certificate, or with one from another CA, the node ends the connection during or right after the handshake.
        using var stranger = TestCertificateAuthority.Create("Some Other CA");
        foreach (var client in new[] { null, stranger.Issue(commonName: "intruder").Certificate })
            await Assert.ThrowsAnyAsync<Exception>(async () =>
            {
                await using var tls = await HandshakeAsync(node.ClusterPort, client);
                // TLS 1.3 finishes the client's side before the server has judged its certificate: the refusal arrives on the first read.
                await tls.WriteAsync("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray());
                var buffer = new byte[64];
                if (await tls.ReadAsync(buffer) == 0) throw new IOException("closed by the node");
            });

        // A node's cluster client without TLS (h2c) gets nowhere.
        using var plain = ClusterHttp.CreateClient(ClusterSecret.FromText(LocalClusterProcesses.Secret));
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => plain.GetAsync($"http://{node.ClusterAddress}/"));
    }

    private async Task<SslStream> HandshakeAsync(int port, X509Certificate2? clientCertificate)
    {
        var socket = new TcpClient();
        await socket.ConnectAsync(IPAddress.Loopback, port);
        var tls = new SslStream(socket.GetStream(), leaveInnerStreamOpen: false);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "127.0.0.1",
            ApplicationProtocols = [SslApplicationProtocol.Http2],
            ClientCertificates = clientCertificate is null ? null : [clientCertificate],
            RemoteCertificateValidationCallback = (_, c, chain, errors) => ca.Trusts(c, chain, errors),
        });
        return tls;
    }
}
