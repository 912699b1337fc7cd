namespace Cairn.Testing;

/// <summary>
/// A server with website endpoints under <see cref="WebsiteDomain"/>: a request to 127.0.0.1 whose Host is
/// bucket.s3-website.localhost is the bucket's website, as a browser (or a resolver entry) would send it.
/// </summary>
public class WebsiteServerFixture : ServerFixture
{
    public const string WebsiteDomain = "s3-website.localhost";

    protected override string[] ServerArguments => ["--website-domain", WebsiteDomain];

    /// <summary>An anonymous request to a bucket's website endpoint; redirects are not followed, so tests see them.</summary>
    public async Task<HttpResponseMessage> WebsiteAsync(string bucket, string pathAndQuery, HttpMethod? method = null)
    {
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(60) };
        var request = new HttpRequestMessage(method ?? HttpMethod.Get, Server.Endpoint + pathAndQuery);
        request.Headers.Host = $"{bucket}.{WebsiteDomain}:{Server.Port}";
        var response = await http.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }
}
