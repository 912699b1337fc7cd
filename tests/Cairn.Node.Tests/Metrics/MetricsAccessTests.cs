using System.Net;
using Cairn.Testing;

namespace Cairn.Node.Tests.Metrics;

/// <summary>A server whose /metrics needs a bearer token even on loopback.</summary>
public sealed class MetricsTokenFixture : ServerFixture
{
    public const string Token = "metrics-token-0123456789";

    protected override string[] ServerArguments => ["--metrics-token", Token, "--metrics-loopback-open", "false"];
}

/// <summary>Who may scrape: loopback open by default (MetricsTests), otherwise a bearer token; no token configured, nobody.</summary>
public sealed class MetricsAccessTests(MetricsTokenFixture fixture) : IClassFixture<MetricsTokenFixture>
{
    [Fact]
    public async Task Without_a_token_the_scrape_is_refused_with_401()
    {
        using var response = await Scrapes.SendAsync(fixture.Server);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task A_wrong_token_is_refused_with_401()
    {
        using var response = await Scrapes.SendAsync(fixture.Server, MetricsTokenFixture.Token + "x");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        using var shorter = await Scrapes.SendAsync(fixture.Server, MetricsTokenFixture.Token[..^1]);
        Assert.Equal(HttpStatusCode.Unauthorized, shorter.StatusCode);
    }

    [Fact]
    public async Task The_right_token_gets_the_metrics()
    {
        var scrape = await Scrapes.ScrapeAsync(fixture.Server, MetricsTokenFixture.Token);
        Assert.Contains("cairn_s3_requests_total", scrape.Families.Keys);
    }

    [Fact]
    public async Task With_no_token_configured_only_loopback_may_scrape_and_the_environment_sets_one()
    {
        await using var server = await ServerProcess.StartAsync("--metrics-loopback-open", "false");
        using (var refused = await Scrapes.SendAsync(server, "any-token"))
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        await server.StopGracefullyAsync();
        server.SetEnvironment("CAIRN_METRICS_TOKEN", "token-from-the-environment");
        await server.StartProcessAsync();
        using (var wrong = await Scrapes.SendAsync(server, "any-token"))
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        var scrape = await Scrapes.ScrapeAsync(server, "token-from-the-environment");
        Assert.Contains("cairn_drive_state", scrape.Families.Keys);
    }
}
