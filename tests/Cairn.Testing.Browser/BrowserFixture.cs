using Microsoft.Playwright;
using Xunit;

namespace Cairn.Testing;

/// <summary>One headless Debian chromium (driven by Playwright) and one server, shared by the browser tests of a class.</summary>
public class BrowserFixture : ServerFixture, IAsyncLifetime
{
    private IPlaywright? playwright;

    public IBrowser Browser { get; private set; } = null!;

    public new virtual async Task InitializeAsync()
    {
        await base.InitializeAsync();
        ExternalClients.Require(ExternalClients.Chromium);
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExternalClients.Chromium,
            Headless = true,
            Args = ExternalClients.ChromiumArguments,
        });
    }

    public override async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        playwright?.Dispose();
        await base.DisposeAsync();
    }
}
