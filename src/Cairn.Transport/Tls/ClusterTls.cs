using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Cairn.Transport.Tls;

/// <summary>
/// TLS between the nodes of a cluster, both ways (mutual TLS): each node presents its certificate (<see cref="ReloadingCertificate"/>,
/// so a renewal reaches new connections without a restart) as server and as client, and accepts a peer only when the
/// peer's certificate chains to the cluster's trust anchors: the certificates of <c>--tls-ca</c>, or, without it, the
/// self-signed certificates in the node's own certificate file (its root, or the certificate itself when self-signed).
/// A node dialling a peer also checks that the certificate names the address it dials (as any TLS client does); a
/// node accepting one does not (a peer's source address is whatever its socket got). The cluster secret still signs
/// every call and Raft preface: TLS adds privacy and the peer's identity, not the authority to act.
/// </summary>
public sealed class ClusterTls
{
    private static readonly List<SslApplicationProtocol> Http2 = [SslApplicationProtocol.Http2];

    private readonly ReloadingCertificate certificate;
    private readonly X509Certificate2Collection anchors;

    public ClusterTls(ReloadingCertificate certificate, X509Certificate2Collection anchors)
    {
        if (anchors.Count == 0)
            throw new ArgumentException("The cluster port needs certificates to trust: give --tls-ca (the CA that signs the nodes' certificates), or a --tls-cert file that carries its root.");
        this.certificate = certificate;
        this.anchors = anchors;
    }

    /// <summary>The anchors of <paramref name="files"/>: its CA file's certificates, else the self-signed ones in the certificate file.</summary>
    public static ClusterTls Create(TlsFiles files, ReloadingCertificate certificate)
    {
        var found = new X509Certificate2Collection();
        found.ImportFromPemFile(files.CaFile ?? files.CertificateFile);
        var anchors = new X509Certificate2Collection();
        foreach (var c in found)
            if (files.CaFile is not null || c.SubjectName.RawData.AsSpan().SequenceEqual(c.IssuerName.RawData)) anchors.Add(c);
        return new ClusterTls(certificate, anchors);
    }

    /// <summary>The cluster listener's handshake: the current certificate, HTTP/2 by ALPN (Raft offers none), a peer certificate required.</summary>
    public SslServerAuthenticationOptions ServerOptions() => new()
    {
        ServerCertificateContext = certificate.Context,
        ApplicationProtocols = Http2,
        ClientCertificateRequired = true,
        RemoteCertificateValidationCallback = (_, presented, sent, errors) => Trusts(presented, sent, errors & ~SslPolicyErrors.RemoteCertificateChainErrors),
    };

    /// <summary>
    /// The client side of a node-to-node connection: the current certificate on each handshake, the peer checked against the
    /// anchors and the name it is dialled by (the HTTP client sets the target host from the URL).
    /// </summary>
    /// <param name="http2">Offer HTTP/2 by ALPN (the HTTP client); Raft's connections offer nothing.</param>
    public SslClientAuthenticationOptions ClientOptions(bool http2) => new()
    {
        ApplicationProtocols = http2 ? Http2 : null,
        LocalCertificateSelectionCallback = (_, _, _, _, _) => certificate.Certificate,
        RemoteCertificateValidationCallback = (_, presented, sent, errors) => Trusts(presented, sent, errors & ~SslPolicyErrors.RemoteCertificateChainErrors),
    };

    /// <summary>TLS over a Raft connection this node dialled to the peer at <paramref name="host"/> (its cluster address's IP).</summary>
    public async ValueTask<SslStream> AuthenticateAsClientAsync(Stream connection, string host, CancellationToken cancellationToken)
    {
        var tls = new SslStream(connection, leaveInnerStreamOpen: false);
        var options = ClientOptions(http2: false);
        options.TargetHost = host;
        try
        {
            await tls.AuthenticateAsClientAsync(options, cancellationToken).ConfigureAwait(false);
            return tls;
        }
        catch
        {
            await tls.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// A peer's certificate is trusted when it chains to the anchors alone (not the machine's roots); <paramref name="errors"/> are
    /// the handshake's other findings (a missing certificate, a name that does not match), each fatal.
    /// </summary>
    /// <param name="sent">The chain the handshake built, whose intermediates the peer sent.</param>
    private bool Trusts(X509Certificate? presented, X509Chain? sent, SslPolicyErrors errors)
    {
        if (presented is null || errors != SslPolicyErrors.None) return false;
        using var chain = new X509Chain();
        if (sent is not null)
            foreach (var element in sent.ChainElements) chain.ChainPolicy.ExtraStore.Add(element.Certificate);
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(anchors);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(presented as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(presented.GetRawCertData()));
    }
}
