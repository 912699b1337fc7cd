using System.Net;
using Cairn.Testing;
using Microsoft.Playwright;

namespace Cairn.WebConsole.Tests;

/// <summary>Signing in and out, and the security rules of the console's sessions and responses.</summary>
public sealed class SignInTests(ConsoleFixture fixture) : IClassFixture<ConsoleFixture>
{
    [Fact]
    public async Task Sign_in_with_a_wrong_secret_shows_invalid_credentials()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync(fixture.Url("/sign-in"));
        await ConsoleFixture.ScreenshotAsync(page, "sign-in");
        await ConsoleFixture.AssertAccessibleAsync(page);
        await page.GetByLabel("Access key id").FillAsync(ServerProcess.AccessKey);
        await page.GetByLabel("Secret access key").FillAsync("not-the-secret");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Invalid credentials.");
        Assert.EndsWith("/console/sign-in", page.Url);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Sign_in_leads_to_the_buckets_and_sign_out_ends_the_session()
    {
        var page = await fixture.NewPageAsync();
        await fixture.SignInAsync(page);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Buckets" })).ToBeVisibleAsync();
        var cookie = (await page.Context.CookiesAsync()).Single(c => c.Name == "cairn-console-session");
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);
        Assert.Equal("/console", cookie.Path);

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.WaitForURLAsync("**/console/sign-in");
        // The old cookie, replayed by hand, opens nothing: the session is gone on the server.
        using var http = new HttpClient(fixture.Server.SocketsHandler());
        using var request = new HttpRequestMessage(HttpMethod.Get, fixture.Url("/buckets"));
        request.Headers.Add("Cookie", $"cairn-console-session={cookie.Value}");
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/console/sign-in", response.Headers.Location!.ToString());
        await page.Context.CloseAsync();
    }
}
