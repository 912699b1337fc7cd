using System.Net.Security;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Cairn.Transport.Tls;

/// <summary>HTTPS on the S3 port: the current certificate on every handshake, HTTP/2 or HTTP/1.1 as the client's ALPN offers.</summary>
public static class S3Tls
{
    private static readonly List<SslApplicationProtocol> Alpn = [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11];

    public static void UseS3Tls(this ListenOptions listen, ReloadingCertificate certificate)
    {
        listen.Protocols = HttpProtocols.Http1AndHttp2;
        // A callback rather than a fixed certificate: each handshake takes the pair the files hold now (see ReloadingCertificate).
        listen.UseHttps(new TlsHandshakeCallbackOptions
        {
            OnConnection = _ => ValueTask.FromResult(new SslServerAuthenticationOptions
            {
                ServerCertificateContext = certificate.Context,
                ApplicationProtocols = Alpn,
            }),
        });
    }
}
