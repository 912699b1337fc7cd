namespace Cairn.Transport.Tls;

/// <summary>
/// The PEM files of a node's TLS (<c>--tls-cert</c>, <c>--tls-key</c>, <c>--tls-ca</c>). The certificate serves the S3
/// port and, in a cluster, the cluster port both ways (as server, and as client to its peers). <see cref="CaFile"/> holds
/// the certificates that sign the nodes' certificates; without it a node trusts the chain its own certificate file carries
/// (its root or, self-signed, the certificate itself).
/// </summary>
public sealed record TlsFiles(string CertificateFile, string KeyFile, string? CaFile = null);
