using System.Net.Http.Headers;
using Cairn.Testing;

namespace Cairn.Node.Tests.Metrics;

/// <summary>GET /metrics as Prometheus sends it: no SigV4, an optional bearer token.</summary>
public static class Scrapes
{
    public static async Task<HttpResponseMessage> SendAsync(ServerProcess server, string? token = null)
    {
        using var http = new HttpClient(server.SocketsHandler()) { Timeout = TimeSpan.FromSeconds(30) };
        using var request = new HttpRequestMessage(HttpMethod.Get, server.Endpoint + "/metrics");
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await http.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    /// <summary>A scrape that must succeed, parsed strictly.</summary>
    public static async Task<PrometheusText> ScrapeAsync(ServerProcess server, string? token = null)
    {
        using var response = await SendAsync(server, token);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET /metrics: {(int)response.StatusCode} {body}");
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        return PrometheusText.Parse(body);
    }

    /// <summary>Scrapes until <paramref name="done"/> holds (figures sampled on a timer), or fails with the last scrape.</summary>
    public static async Task<PrometheusText> ScrapeUntilAsync(ServerProcess server, Func<PrometheusText, bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var scrape = await ScrapeAsync(server);
            if (done(scrape)) return scrape;
            if (DateTime.UtcNow > deadline)
                Assert.Fail("The metrics never reached the expected figures; last scrape:\n" + string.Join('\n', scrape.Samples.Select(s => $"{s.Name}{{{string.Join(',', s.Labels.Select(l => $"{l.Key}={l.Value}"))}}} {s.Value}")));
            await Task.Delay(250);
        }
    }
}
