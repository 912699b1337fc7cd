using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace Cairn.Transport.Tls;

/// <summary>
/// A certificate and its private key read from PEM files (RSA or ECDSA; the certificate file may carry the chain after
/// the leaf), re-read when either file changes so that a renewed certificate is served without a restart. Every
/// handshake asks for <see cref="Context"/>, which compares the two files' modification time and length with the pair
/// it holds (two stat calls) and loads the new pair only on a change. A new pair that does not load (half written,
/// a key that does not match) keeps the old one and logs why, once per change of the files.
/// </summary>
public sealed partial class ReloadingCertificate
{
    private readonly string certificateFile;
    private readonly string keyFile;
    private readonly ILogger logger;
    private readonly Lock reloading = new();
    private volatile Loaded current;
    private (FileStamp Certificate, FileStamp Key) refused; // the files' state when they last failed to load: not tried again until they change

    /// <summary>Loads the pair; a pair that does not load now is an <see cref="ArgumentException"/> (the node must not start without it).</summary>
    public ReloadingCertificate(string certificateFile, string keyFile, ILogger logger)
    {
        this.certificateFile = Path.GetFullPath(certificateFile);
        this.keyFile = Path.GetFullPath(keyFile);
        this.logger = logger;
        var stamps = (FileStamp.Of(this.certificateFile), FileStamp.Of(this.keyFile));
        try
        {
            current = Load(stamps);
        }
        catch (Exception e) when (IsUnloadable(e))
        {
            throw new ArgumentException($"--tls-cert {certificateFile} / --tls-key {keyFile}: {e.Message}", e);
        }
    }

    /// <summary>The certificate to present now, with its chain: the files' current pair, or the last pair that loaded.</summary>
    public SslStreamCertificateContext Context => Current().Context;

    /// <summary>The leaf certificate now presented (its serial number tells a renewal apart).</summary>
    public X509Certificate2 Certificate => Current().Leaf;

    private Loaded Current()
    {
        var loaded = current;
        var stamps = (FileStamp.Of(certificateFile), FileStamp.Of(keyFile));
        if (stamps == (loaded.CertificateStamp, loaded.KeyStamp)) return loaded;
        lock (reloading)
        {
            loaded = current;
            if (stamps == (loaded.CertificateStamp, loaded.KeyStamp) || stamps == refused) return loaded;
            try
            {
                var renewed = Load(stamps);
                current = renewed;
                LogReloaded(certificateFile, renewed.Leaf.SerialNumber, renewed.Leaf.Subject, renewed.Leaf.NotAfter);
                return renewed;
            }
            catch (Exception e) when (IsUnloadable(e))
            {
                refused = stamps;
                LogKeptOld(certificateFile, keyFile, e.Message, loaded.Leaf.SerialNumber);
                return loaded;
            }
        }
    }

    private Loaded Load((FileStamp Certificate, FileStamp Key) stamps)
    {
        // CreateFromPemFile reads the first certificate and refuses a key that does not match it.
        var leaf = X509Certificate2.CreateFromPemFile(certificateFile, keyFile);
        if (!leaf.HasPrivateKey) throw new CryptographicException("the key file holds no private key for the certificate.");
        var all = new X509Certificate2Collection();
        all.ImportFromPemFile(certificateFile);
        var chain = new X509Certificate2Collection();
        foreach (var certificate in all.Skip(1)) chain.Add(certificate);
        // offline: the chain is what the file carries; no fetching of intermediates during a handshake.
        return new Loaded(stamps.Certificate, stamps.Key, leaf, SslStreamCertificateContext.Create(leaf, chain, offline: true));
    }

    private static bool IsUnloadable(Exception e) => e is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException;

    private sealed record Loaded(FileStamp CertificateStamp, FileStamp KeyStamp, X509Certificate2 Leaf, SslStreamCertificateContext Context);

    /// <summary>What changes when a file is rewritten or replaced: its modification time (nanoseconds here) and length.</summary>
    private readonly record struct FileStamp(DateTime WriteTime, long Length)
    {
        public static FileStamp Of(string path)
        {
            var info = new FileInfo(path);
            return info.Exists ? new FileStamp(info.LastWriteTimeUtc, info.Length) : default;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "TLS certificate reloaded from {File}: serial {Serial}, {Subject}, valid until {NotAfter:u}")]
    private partial void LogReloaded(string file, string serial, string subject, DateTime notAfter);

    [LoggerMessage(Level = LogLevel.Warning, Message = "TLS certificate {File} / key {KeyFile} changed but does not load ({Reason}): still serving serial {Serial}")]
    private partial void LogKeptOld(string file, string keyFile, string reason, string serial);
}
