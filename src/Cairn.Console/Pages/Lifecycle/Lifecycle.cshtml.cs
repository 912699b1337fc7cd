using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using Cairn.WebConsole.Hosting;
using Cairn.WebConsole.Navigation;
using Cairn.WebConsole.S3;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cairn.WebConsole.Pages.Lifecycle;

/// <summary>
/// A bucket's lifecycle rules: a form for each rule and the raw XML, both read and written by S3's own calls
/// (GetBucketLifecycleConfiguration, PutBucketLifecycleConfiguration, DeleteBucketLifecycle) with the session's key.
/// S3's errors (MalformedXML, InvalidArgument, …) are shown on the page with what was typed left in place.
/// </summary>
[Navigation("Lifecycle", "/lifecycle", Order = 50)]
public sealed class LifecycleModel(SignedRequests requests) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? Bucket { get; set; }

    [BindProperty] public List<RuleForm> Rules { get; set; } = [];

    [BindProperty] public string? Xml { get; set; }

    public IReadOnlyList<string> Buckets { get; private set; } = [];

    /// <summary>Elements the form cannot show: the form is read-only then and the raw XML is the way to edit.</summary>
    public IReadOnlyList<string> Unsupported { get; private set; } = [];

    public string? Error { get; private set; }

    public async Task OnGetAsync()
    {
        await ListBucketsAsync();
        if (string.IsNullOrEmpty(Bucket)) return;
        Xml = await ReadAsync();
        Show(Xml);
    }

    public async Task<IActionResult> OnPostFormAsync()
    {
        if (string.IsNullOrEmpty(Bucket)) return BadRequest();
        var current = await ReadAsync();
        if (current is not null && LifecycleXml.Read(current).Unsupported.Count > 0)
            return await FailAsync("The rules use elements the form cannot show; edit them in the raw XML.", current);
        var document = LifecycleXml.Write(Rules);
        return await SaveAsync(document.Root!.HasElements ? Serialize(document) : null, "form");
    }

    public async Task<IActionResult> OnPostXmlAsync()
    {
        if (string.IsNullOrEmpty(Bucket)) return BadRequest();
        return await SaveAsync(string.IsNullOrWhiteSpace(Xml) ? null : Xml, "xml");
    }

    /// <summary>Puts <paramref name="xml"/> as the configuration, or deletes it when there is none (S3 refuses a configuration of no rules).</summary>
    private async Task<IActionResult> SaveAsync(string? xml, string from)
    {
        var (session, ct) = (HttpContext.Session(), HttpContext.RequestAborted);
        var path = SignedRequests.ObjectPath(Bucket!, null) + "?lifecycle";
        HttpContent? content = null;
        if (xml is not null)
        {
            var bytes = Encoding.UTF8.GetBytes(xml);
            content = new ByteArrayContent(bytes);
            content.Headers.ContentType = new("application/xml");
            content.Headers.ContentMD5 = MD5.HashData(bytes);
        }
        using var response = await requests.SendAsync(session.Credentials, xml is null ? HttpMethod.Delete : HttpMethod.Put, path, content, ct);
        if (!response.IsSuccessStatusCode)
        {
            var error = S3ErrorResponse.From(response.StatusCode, await response.Content.ReadAsStringAsync(ct));
            return await FailAsync($"{error.ErrorCode}: {error.Message}", from == "xml" ? Xml : xml, keepForm: from == "form");
        }
        TempData[Messages.Done] = xml is null ? $"Lifecycle configuration of {Bucket} deleted (no rules left)." : $"Lifecycle rules of {Bucket} saved.";
        return Redirect(Url.Page(null, new { bucket = Bucket })!);
    }

    /// <summary>The page again with S3's error and what the person typed (the posted form, or the XML).</summary>
    private async Task<IActionResult> FailAsync(string error, string? xml, bool keepForm = false)
    {
        await ListBucketsAsync();
        Error = error;
        Xml = xml;
        if (!keepForm)
        {
            ModelState.Clear();
            Show(await ReadAsync());
            Xml = xml;
        }
        Response.StatusCode = (int)HttpStatusCode.BadRequest;
        return Page();
    }

    /// <summary>GetBucketLifecycleConfiguration's XML as S3 answered it; null when the bucket has none.</summary>
    private async Task<string?> ReadAsync()
    {
        var (session, ct) = (HttpContext.Session(), HttpContext.RequestAborted);
        using var response = await requests.SendAsync(session.Credentials, HttpMethod.Get, SignedRequests.ObjectPath(Bucket!, null) + "?lifecycle", null, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        if (response.IsSuccessStatusCode) return body;
        var error = S3ErrorResponse.From(response.StatusCode, body);
        if (error.ErrorCode == "NoSuchLifecycleConfiguration") return null;
        throw error; // e.g. NoSuchBucket, AccessDenied: S3ErrorFilter shows it
    }

    private void Show(string? xml)
    {
        try
        {
            (Rules, var unsupported) = xml is null ? ([], []) : LifecycleXml.Read(xml);
            Unsupported = unsupported;
        }
        catch (Exception e) when (e is XmlException or FormatException or OverflowException)
        {
            (Rules, Unsupported) = ([], ["(unreadable: " + e.Message + ")"]);
        }
        if (Unsupported.Count == 0) Rules.Add(NewRule());
        if (xml is not null) Xml = Pretty(xml);
    }

    /// <summary>A blank rule the form offers to add, with a blank row for each repeated part (as every rule has).</summary>
    public static RuleForm NewRule() => new() { IsNew = true, Id = "" };

    private async Task ListBucketsAsync()
    {
        var listed = await HttpContext.Session().S3.ListBucketsAsync(HttpContext.RequestAborted);
        Buckets = (listed.Buckets ?? []).Select(b => b.BucketName).ToArray();
    }

    private static string Serialize(XDocument document)
    {
        using var writer = new Utf8StringWriter();
        document.Save(writer, SaveOptions.None);
        return writer.ToString();
    }

    private static string Pretty(string xml)
    {
        try { return Serialize(XDocument.Parse(xml)); }
        catch (XmlException) { return xml; }
    }

    private sealed class Utf8StringWriter : StringWriter
    {
        public override Encoding Encoding => new UTF8Encoding(false);
    }
}
