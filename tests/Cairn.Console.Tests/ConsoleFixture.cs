using Cairn.Testing;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Cairn.WebConsole.Tests;

/// <summary>
/// One server and one headless Debian chromium (driven by Playwright) shared by a class of console tests, with the
/// steps every console test takes: open a page in a fresh browser context, sign in, check accessibility, save a
/// screenshot for docs/console/.
/// </summary>
public class ConsoleFixture : BrowserFixture
{
    // Usage measured every second: the buckets page's counts and the usage page's history follow a test's PUTs quickly.
    protected override string[] ServerArguments => ["--usage-interval", "1s"];

    public override async Task InitializeAsync()
    {
        // Pages answer in milliseconds; the margin is for a machine busy with other test assemblies.
        Assertions.SetDefaultExpectTimeout(15_000);
        await base.InitializeAsync();
    }

    /// <summary>The console URL of <paramref name="path"/> (e.g. <c>/buckets</c>) on <paramref name="server"/> (default: the shared one).</summary>
    public string Url(string path, ServerProcess? server = null) => (server ?? Server).Endpoint + "/console" + path;

    /// <summary>A page in a browser context of its own (own cookies), 1280×800 as the screenshots are.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
        return await context.NewPageAsync();
    }

    /// <summary>Signs in through the sign-in form (root's key unless told otherwise) and waits for the buckets page.</summary>
    public async Task SignInAsync(IPage page, ServerProcess? server = null, string accessKey = ServerProcess.AccessKey, string secretKey = ServerProcess.SecretKey)
    {
        await page.GotoAsync(Url("/sign-in", server));
        await page.GetByLabel("Access key id").FillAsync(accessKey);
        await page.GetByLabel("Secret access key").FillAsync(secretKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync("**/console/buckets");
    }

    /// <summary>Fails on any serious or critical axe-core finding (contrast, names, keyboard reachability, …) on the page as it is.</summary>
    public static async Task AssertAccessibleAsync(IPage page)
    {
        var result = await page.RunAxe();
        var bad = result.Violations.Where(v => v.Impact is "serious" or "critical").ToArray();
        Assert.True(bad.Length == 0, string.Join("\n", bad.Select(v =>
            $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Target?.ToString()))}")));
    }

    /// <summary>Saves the viewport as docs/console/NAME.png in the source tree (committed, so reviewers see each page).</summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        var path = Path.Combine(RepositoryRoot(), "docs", "console", name + ".png");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, Type = ScreenshotType.Png });
        Assert.True(new FileInfo(path).Length < 300_000, $"{name}.png is {new FileInfo(path).Length} bytes: keep screenshots small");
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Cairn.sln"))) return dir.FullName;
        throw new InvalidOperationException("Cairn.sln not found above the test binaries.");
    }
}
