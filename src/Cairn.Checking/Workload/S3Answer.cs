using System.Xml.Linq;

namespace Cairn.Checking.Workload;

/// <summary>An S3 response as the workload needs it: status, error code, ETag and the body as text.</summary>
public sealed record S3Answer(int Status, string? Code, string? ETag, string Body)
{
    public static async Task<S3Answer> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var status = (int)response.StatusCode;
        return new S3Answer(status, status >= 300 ? ErrorCode(body) : null, response.Headers.ETag?.Tag, body);
    }

    public bool Is(int status, string? code = null) => Status == status && (code is null || Code is null || Code == code);

    public override string ToString() => Code is null ? $"HTTP {Status}" : $"HTTP {Status} {Code}";

    /// <summary>The Code of S3 error XML; null for an empty body or one that is not S3 error XML.</summary>
    public static string? ErrorCode(string body)
    {
        if (body.Length == 0) return null;
        try
        {
            return XDocument.Parse(body).Root?.Element("Code")?.Value;
        }
        catch (System.Xml.XmlException)
        {
            // Not S3 error XML (a proxy's page): the status alone must do.
            return null;
        }
    }
}
