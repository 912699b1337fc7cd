using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Cairn.Testing;

/// <summary>Which kind of key a test certificate has.</summary>
public enum TestKeyKind { Rsa, Ecdsa }

/// <summary>A certificate a <see cref="TestCertificateAuthority"/> issued, written as PEM files.</summary>
public sealed record IssuedCertificate(X509Certificate2 Certificate, string CertificateFile, string KeyFile)
{
    public string SerialNumber => Certificate.SerialNumber;
}

/// <summary>
/// A throwaway CA made in-process (no openssl): it issues server certificates for 127.0.0.1 and localhost, valid for both
/// server and client authentication (a cluster node is both), and tells the tests' HTTP clients to trust it and nothing
/// else. Its PEM file (<see cref="CaFile"/>) is what `aws --ca-bundle` and `cairn server --tls-ca` take.
/// </summary>
public sealed class TestCertificateAuthority : IDisposable
{
    private readonly TempDir directory = new("cairn-tls");
    private int issued;

    private TestCertificateAuthority(string name)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: false, 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        Certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        CaFile = directory.File("ca.pem");
        File.WriteAllText(CaFile, Certificate.ExportCertificatePem());
    }

    public static TestCertificateAuthority Create(string name = "Cairn Test CA") => new(name);

    /// <summary>The CA's certificate, with its key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The CA's certificate as a PEM file.</summary>
    public string CaFile { get; }

    /// <summary>
    /// A new certificate for 127.0.0.1, ::1 and localhost (and <paramref name="names"/>), signed by this CA, written to
    /// fresh files in this CA's folder; the certificate file holds the leaf then the CA's certificate, as a chain file does.
    /// </summary>
    public IssuedCertificate Issue(TestKeyKind kind = TestKeyKind.Rsa, string commonName = "cairn-test-server", params string[] names)
    {
        var n = Interlocked.Increment(ref issued);
        using AsymmetricAlgorithm key = kind == TestKeyKind.Rsa ? RSA.Create(2048) : ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = key is RSA rsa
            ? new CertificateRequest($"CN={commonName}", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            : new CertificateRequest($"CN={commonName}", (ECDsa)key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddIpAddress(IPAddress.IPv6Loopback);
        san.AddDnsName("localhost");
        foreach (var name in names) san.AddDnsName(name);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            kind == TestKeyKind.Rsa ? X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment : X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], critical: false)); // serverAuth, clientAuth
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        var serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7F; // a positive serial
        // The CA's RSA key signs either kind of key (the generator, since the request's key may be ECDSA).
        using var caKey = Certificate.GetRSAPrivateKey()!;
        using var signed = request.Create(Certificate.SubjectName, X509SignatureGenerator.CreateForRSA(caKey, RSASignaturePadding.Pkcs1),
            DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(30), serial);
        var certificate = key is RSA r ? signed.CopyWithPrivateKey(r) : signed.CopyWithPrivateKey((ECDsa)key);
        var certificateFile = directory.File($"server-{n}.crt");
        var keyFile = directory.File($"server-{n}.key");
        File.WriteAllText(certificateFile, certificate.ExportCertificatePem() + "\n" + Certificate.ExportCertificatePem());
        File.WriteAllText(keyFile, key is RSA k ? k.ExportPkcs8PrivateKeyPem() : ((ECDsa)key).ExportECPrivateKeyPem());
        return new IssuedCertificate(certificate, certificateFile, keyFile);
    }

    /// <summary>Whether a certificate a server presented chains to this CA (and to nothing else), for 127.0.0.1/localhost.</summary>
    public bool Trusts(X509Certificate? presented, X509Chain? _, SslPolicyErrors errors)
    {
        if (presented is null || (errors & (SslPolicyErrors.RemoteCertificateNotAvailable | SslPolicyErrors.RemoteCertificateNameMismatch)) != 0) return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(Certificate);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(presented as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(presented.GetRawCertData()));
    }

    /// <summary>Client TLS options that trust this CA alone.</summary>
    public SslClientAuthenticationOptions ClientOptions() => new() { RemoteCertificateValidationCallback = (_, c, ch, e) => Trusts(c, ch, e) };

    public void Dispose() => directory.Dispose();
}
