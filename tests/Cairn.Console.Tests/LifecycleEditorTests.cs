using System.Net;
using System.Xml.Linq;
using Amazon.S3;
using Amazon.S3.Model;
using Cairn.Testing;
using Microsoft.Playwright;

namespace Cairn.WebConsole.Tests;

/// <summary>The lifecycle rule editor: the form and the raw XML, both through S3's own lifecycle calls.</summary>
public sealed class LifecycleEditorTests(ConsoleFixture fixture) : IClassFixture<ConsoleFixture>
{
    private const string Ns = "http://s3.amazonaws.com/doc/2006-03-01/";

    /// <summary>Every part the form edits, in three rules (an And filter, a single tag, a single prefix: S3 allows neither abort nor delete-marker expiry with tags).</summary>
    private const string Everything = $"""
        <LifecycleConfiguration xmlns="{Ns}">
          <Rule>
            <ID>archive</ID>
            <Filter><And><Prefix>logs/</Prefix><Tag><Key>team</Key><Value>ops</Value></Tag><ObjectSizeGreaterThan>1024</ObjectSizeGreaterThan><ObjectSizeLessThan>1048576</ObjectSizeLessThan></And></Filter>
            <Status>Enabled</Status>
            <Transition><Days>30</Days><StorageClass>STANDARD_IA</StorageClass></Transition>
            <Transition><Days>90</Days><StorageClass>GLACIER</StorageClass></Transition>
            <Expiration><Days>365</Days></Expiration>
            <NoncurrentVersionTransition><NoncurrentDays>30</NoncurrentDays><NewerNoncurrentVersions>2</NewerNoncurrentVersions><StorageClass>STANDARD_IA</StorageClass></NoncurrentVersionTransition>
            <NoncurrentVersionExpiration><NoncurrentDays>40</NoncurrentDays><NewerNoncurrentVersions>3</NewerNoncurrentVersions></NoncurrentVersionExpiration>
          </Rule>
          <Rule>
            <ID>markers</ID>
            <Filter><Tag><Key>tmp</Key><Value>yes</Value></Tag></Filter>
            <Status>Disabled</Status>
            <Expiration><Days>3</Days></Expiration>
          </Rule>
          <Rule>
            <ID>uploads</ID>
            <Filter><Prefix>tmp/</Prefix></Filter>
            <Status>Enabled</Status>
            <Expiration><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration>
            <AbortIncompleteMultipartUpload><DaysAfterInitiation>7</DaysAfterInitiation></AbortIncompleteMultipartUpload>
          </Rule>
        </LifecycleConfiguration>
        """;

    [Fact]
    public async Task A_rule_added_in_the_form_is_saved_exactly()
    {
        var bucket = await fixture.NewBucketAsync("lcform", versioned: true);
        var page = await fixture.NewPageAsync();
        await fixture.SignInAsync(page);
        await page.GotoAsync(fixture.Url("/lifecycle?bucket=" + bucket));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Lifecycle rules of " + bucket })).ToBeVisibleAsync();
        await page.GetByLabel("Add this rule").CheckAsync();
        await page.GetByLabel("New rule: ID", new() { Exact = true }).FillAsync("archive-logs");
        await page.GetByLabel("New rule: prefix", new() { Exact = true }).FillAsync("logs/");
        await page.GetByLabel("New rule: transition 1 days", new() { Exact = true }).FillAsync("30");
        await page.GetByLabel("New rule: transition 1 storage class", new() { Exact = true }).SelectOptionAsync("STANDARD_IA");
        await page.GetByLabel("New rule: expiration days", new() { Exact = true }).FillAsync("365");
        await page.GetByLabel("New rule: noncurrent expiration days", new() { Exact = true }).FillAsync("60");
        await page.GetByLabel("New rule: abort incomplete multipart upload days", new() { Exact = true }).FillAsync("7");
        await ConsoleFixture.AssertAccessibleAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Save rules" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync($"Lifecycle rules of {bucket} saved.");
        await Assertions.Expect(page.GetByRole(AriaRole.Group, new() { Name = "Rule archive-logs" })).ToBeVisibleAsync();
        await ConsoleFixture.ScreenshotAsync(page, "lifecycle");

        var rule = Assert.Single((await fixture.S3.GetLifecycleConfigurationAsync(bucket)).Configuration.Rules);
        Assert.Equal("archive-logs", rule.Id);
        Assert.Equal(LifecycleRuleStatus.Enabled, rule.Status);
        Assert.Equal("logs/", rule.Filter.Prefix ?? (rule.Filter.LifecycleFilterPredicate as LifecyclePrefixPredicate)?.Prefix);
        var transition = Assert.Single(rule.Transitions);
        Assert.Equal(30, transition.Days);
        Assert.Equal(S3StorageClass.StandardInfrequentAccess, transition.StorageClass);
        Assert.Equal(365, rule.Expiration.Days);
        Assert.Equal(60, rule.NoncurrentVersionExpiration.NoncurrentDays);
        Assert.Equal(7, rule.AbortIncompleteMultipartUpload.DaysAfterInitiation);
        Assert.True(rule.NoncurrentVersionTransitions is null or { Count: 0 });
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_raw_xml_view_and_the_form_both_round_trip_every_field()
    {
        var bucket = await fixture.NewBucketAsync("lcraw", versioned: true);
        var page = await fixture.NewPageAsync();
        await fixture.SignInAsync(page);
        await page.GotoAsync(fixture.Url("/lifecycle?bucket=" + bucket));
        await page.GetByLabel("LifecycleConfiguration").FillAsync(Everything);
        await page.GetByRole(AriaRole.Button, new() { Name = "Save XML" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync($"Lifecycle rules of {bucket} saved.");
        var stored = await LifecycleXmlAsync(bucket);
        Assert.Equal(Canonical(Everything), Canonical(stored));
        // The raw view shows what S3 answers.
        Assert.Equal(Canonical(stored), Canonical(await page.GetByLabel("LifecycleConfiguration").InputValueAsync()));

        // Saving the form untouched gives back the same configuration: every field went through the form.
        await Assertions.Expect(page.GetByRole(AriaRole.Group, new() { Name = "Rule markers" })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save rules" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync($"Lifecycle rules of {bucket} saved.");
        Assert.Equal(Canonical(Everything), Canonical(await LifecycleXmlAsync(bucket)));

        // Deleting a rule in the form leaves the other.
        await page.GetByRole(AriaRole.Group, new() { Name = "Rule markers" }).GetByLabel("Delete this rule").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save rules" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync($"Lifecycle rules of {bucket} saved.");
        Assert.Equal(["archive", "uploads"], (await fixture.S3.GetLifecycleConfigurationAsync(bucket)).Configuration.Rules.Select(r => r.Id).Order(StringComparer.Ordinal));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task S3s_errors_are_shown_and_the_typed_xml_is_kept()
    {
        var bucket = await fixture.NewBucketAsync("lcerr");
        var page = await fixture.NewPageAsync();
        await fixture.SignInAsync(page);
        await page.GotoAsync(fixture.Url("/lifecycle?bucket=" + bucket));

        const string broken = "<LifecycleConfiguration><Rule><ID>x</ID>";
        await page.GetByLabel("LifecycleConfiguration").FillAsync(broken);
        var response = await page.RunAndWaitForResponseAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Save XML" }).ClickAsync(),
            r => r.Request.Method == "POST");
        Assert.Equal((int)HttpStatusCode.BadRequest, response.Status);
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^MalformedXML: "));
        Assert.Equal(broken, await page.GetByLabel("LifecycleConfiguration").InputValueAsync());

        var twice = $"""
            <LifecycleConfiguration xmlns="{Ns}">
              <Rule><ID>same</ID><Filter/><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>
              <Rule><ID>same</ID><Filter/><Status>Enabled</Status><Expiration><Days>2</Days></Expiration></Rule>
            </LifecycleConfiguration>
            """;
        await page.GetByLabel("LifecycleConfiguration").FillAsync(twice);
        await page.GetByRole(AriaRole.Button, new() { Name = "Save XML" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("InvalidArgument: Rule ID must be unique. Found same ID for more than one rule");
        // Nothing was saved (the SDK answers NoSuchLifecycleConfiguration as no rules).
        Assert.True((await fixture.S3.GetLifecycleConfigurationAsync(bucket)).Configuration?.Rules is null or { Count: 0 });
        await page.Context.CloseAsync();
    }

    private async Task<string> LifecycleXmlAsync(string bucket)
    {
        using var http = new SignedHttp(fixture.Server);
        using var response = await http.SendAsync(HttpMethod.Get, $"/{bucket}?lifecycle");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return body;
    }

    /// <summary>The configuration as a comparable text: rules by ID, elements by name (same names in their order), no whitespace.</summary>
    private static string Canonical(string xml)
    {
        var root = XDocument.Parse(xml).Root!;
        Assert.Equal(XName.Get("LifecycleConfiguration", Ns), root.Name);
        var rules = root.Elements().Select(r => new XElement(r.Name, r.Elements().OrderBy(e => e.Name.LocalName, StringComparer.Ordinal).Select(Strip)))
            .OrderBy(r => r.Element(XName.Get("ID", Ns))?.Value, StringComparer.Ordinal);
        return new XElement(root.Name, rules).ToString(SaveOptions.DisableFormatting);
    }

    private static XElement Strip(XElement e) =>
        e.HasElements ? new XElement(e.Name, e.Elements().OrderBy(c => c.Name.LocalName, StringComparer.Ordinal).Select(Strip)) : new XElement(e.Name, e.Value.Trim());
}
