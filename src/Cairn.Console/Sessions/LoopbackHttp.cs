using System.Net;
using Amazon.Runtime;

namespace Cairn.WebConsole.Sessions;

/// <summary>
/// The HTTP connections to this node's S3 endpoint. Over TLS the node's certificate names its public host, not the
/// loopback address the console dials, so the certificate is not checked on this loopback hop (nothing else is on it).
/// </summary>
public sealed class LoopbackHttp(ConsoleOptions options) : HttpClientFactory, IDisposable
{
    private readonly HttpClient client = new(Handler(options), disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };

    /// <summary>One client for every raw call (STS, admin, streamed bytes): the connection pool is shared.</summary>
    public HttpClient Client => client;

    public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new(Handler(options), disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };

    public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => true;

    public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;

    private static SocketsHttpHandler Handler(ConsoleOptions options)
    {
        var handler = new SocketsHttpHandler { AllowAutoRedirect = false, AutomaticDecompression = DecompressionMethods.None, UseCookies = false };
        if (options.S3Endpoint.Scheme == Uri.UriSchemeHttps)
            handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        return handler;
    }

    public void Dispose() => client.Dispose();
}
