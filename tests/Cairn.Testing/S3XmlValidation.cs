using System.Collections.Concurrent;
using Amazon.Runtime;

namespace Cairn.Testing;

/// <summary>
/// Every S3 XML response a test receives, checked against S3's shapes (<see cref="S3Schema"/>): installed in the SDK
/// clients a <see cref="ServerProcess"/> hands out and in <see cref="SignedHttp"/>. A response that does not match fails
/// the request with <see cref="S3XmlShapeException"/> and is recorded, so a test that expected some error still fails
/// when its fixture ends (<see cref="ThrowIfAny"/>).
/// </summary>
public sealed class S3XmlValidation
{
    private readonly ConcurrentQueue<string> failures = new();

    public IReadOnlyCollection<string> Failures => failures;

    /// <summary>A handler chain for an HttpClient: validation over a plain socket handler.</summary>
    public HttpMessageHandler Handler(HttpMessageHandler? inner = null) =>
        new ValidatingHandler(this) { InnerHandler = inner ?? new SocketsHttpHandler { AllowAutoRedirect = false } };

    /// <summary>For AmazonS3Config.HttpClientFactory: the SDK's HttpClients validate every response.</summary>
    /// <param name="sockets">The socket handler under validation, given whether to follow redirects (e.g. one that trusts a test CA).</param>
    public HttpClientFactory ClientFactory(Func<bool, SocketsHttpHandler>? sockets = null) =>
        new SdkClientFactory(this, sockets ?? (redirect => new SocketsHttpHandler { AllowAutoRedirect = redirect, AutomaticDecompression = System.Net.DecompressionMethods.None }));

    public void ThrowIfAny()
    {
        if (!failures.IsEmpty)
            throw new S3XmlShapeException($"{failures.Count} XML response(s) did not match S3's shapes:\n\n" + string.Join("\n\n", failures));
    }

    private async Task CheckAsync(HttpRequestMessage request, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!IsS3Xml(request, response)) return;
        await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (body.Length == 0) return;
        var problems = S3Schema.Problems(body);
        if (problems.Count == 0) return;
        var failure = S3Schema.Describe($"{request.Method} {request.RequestUri?.PathAndQuery} → {(int)response.StatusCode}", problems, body);
        failures.Enqueue(failure);
        throw new S3XmlShapeException(failure);
    }

    /// <summary>
    /// S3's own XML: application/xml, and not an object's bytes (a GET of an object stored as application/xml comes with
    /// Accept-Ranges, which no S3 XML document has). HEAD has no body.
    /// </summary>
    private static bool IsS3Xml(HttpRequestMessage request, HttpResponseMessage response) =>
        request.Method != HttpMethod.Head
        && response.Content.Headers.ContentType?.MediaType == "application/xml"
        && !response.Headers.AcceptRanges.Any();

    private sealed class ValidatingHandler(S3XmlValidation validation) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            await validation.CheckAsync(request, response, cancellationToken).ConfigureAwait(false);
            return response;
        }
    }

    private sealed class SdkClientFactory(S3XmlValidation validation, Func<bool, SocketsHttpHandler> sockets) : HttpClientFactory
    {
        public override HttpClient CreateHttpClient(IClientConfig clientConfig) =>
            new(validation.Handler(sockets(clientConfig.AllowAutoRedirect)))
            {
                Timeout = clientConfig.Timeout ?? TimeSpan.FromMinutes(5),
            };
    }
}

/// <summary>An XML response that is not in S3's shape: the request, the schema's complaints and the body.</summary>
public sealed class S3XmlShapeException(string message) : Exception(message);
