using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cairn.Auth;

namespace Cairn.Testing;

/// <summary>
/// Browser POST forms (S3 PostObject) built as a web page's back end builds them: a policy document whose
/// conditions name every field, signed with SigV4 by Cairn's own signer. Tests then change what they mean to break.
/// </summary>
public static class PostForms
{
    /// <summary>
    /// Every field of a signed form, in order: <paramref name="fields"/> (key first), then x-amz-algorithm,
    /// x-amz-credential, x-amz-date, policy and x-amz-signature. The policy holds an exact condition for the
    /// bucket and for each field (but those named in <paramref name="unconditioned"/>), then
    /// <paramref name="extraConditions"/> (JSON arrays or objects as written).
    /// </summary>
    public static List<KeyValuePair<string, string>> Signed(string bucket, IEnumerable<KeyValuePair<string, string>> fields,
        IEnumerable<string>? extraConditions = null, DateTimeOffset? expiration = null, DateTimeOffset? signedAt = null,
        string? accessKey = null, string? secretKey = null, IEnumerable<string>? unconditioned = null)
    {
        var now = signedAt ?? DateTimeOffset.UtcNow;
        var all = fields.ToList();
        all.AddRange(AuthFields(now, accessKey));
        var skip = new HashSet<string>(unconditioned ?? [], StringComparer.OrdinalIgnoreCase);
        var conditions = new List<string> { Json(new JsonObject { ["bucket"] = bucket }) };
        conditions.AddRange(all.Where(f => !skip.Contains(f.Key)).Select(f => Json(new JsonObject { [f.Key] = f.Value })));
        conditions.AddRange(extraConditions ?? []);
        var policy = Policy(expiration ?? now.AddMinutes(10), conditions);
        return [.. all, .. Signature(policy, now, secretKey)];
    }

    /// <summary>The policy document, base64: {"expiration": …, "conditions": [ … ]} with conditions as raw JSON.</summary>
    public static string Policy(DateTimeOffset expiration, IEnumerable<string> conditions) =>
        Base64(
            $"{{\"expiration\": \"{expiration.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)}\", \"conditions\": [{string.Join(", ", conditions)}]}}");

    public static string Base64(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json));

    /// <summary>x-amz-algorithm, x-amz-credential and x-amz-date for a form signed at <paramref name="now"/>.</summary>
    public static List<KeyValuePair<string, string>> AuthFields(DateTimeOffset now, string? accessKey = null) =>
    [
        new("x-amz-algorithm", "AWS4-HMAC-SHA256"),
        new("x-amz-credential", $"{accessKey ?? ServerProcess.AccessKey}/{Day(now)}/{ServerProcess.Region}/s3/aws4_request"),
        new("x-amz-date", now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)),
    ];

    /// <summary>The policy and x-amz-signature fields for a base64 policy signed at <paramref name="now"/>.</summary>
    public static List<KeyValuePair<string, string>> Signature(string policy, DateTimeOffset now, string? secretKey = null) =>
    [
        new("policy", policy),
        new("x-amz-signature", SigV4Signer.SignPostPolicy(policy, secretKey ?? ServerProcess.SecretKey, Day(now), ServerProcess.Region)),
    ];

    /// <summary>The multipart/form-data body: the fields in order, then the file (then any <paramref name="after"/> fields).</summary>
    public static MultipartFormDataContent Content(IEnumerable<KeyValuePair<string, string>> fields, HttpContent? file, string fileName = "upload.bin",
        IEnumerable<KeyValuePair<string, string>>? after = null)
    {
        var content = new MultipartFormDataContent("cairn-form-" + Guid.NewGuid().ToString("N"));
        foreach (var (name, value) in fields) content.Add(Field(name, value));
        if (file is not null)
        {
            file.Headers.ContentType ??= new MediaTypeHeaderValue("application/octet-stream");
            Disposition(file, $"form-data; name=\"file\"; filename=\"{fileName}\"");
            content.Add(file);
        }
        foreach (var (name, value) in after ?? []) content.Add(Field(name, value));
        return content;
    }

    public static MultipartFormDataContent Content(IEnumerable<KeyValuePair<string, string>> fields, byte[] file, string fileName = "upload.bin") =>
        Content(fields, new ByteArrayContent(file), fileName);

    /// <summary>A field as a browser sends it: a quoted name, no Content-Type of its own, the value in UTF-8.</summary>
    private static ByteArrayContent Field(string name, string value)
    {
        var part = new ByteArrayContent(Encoding.UTF8.GetBytes(value));
        part.Headers.ContentType = null;
        Disposition(part, $"form-data; name=\"{name}\"");
        return part;
    }

    private static void Disposition(HttpContent part, string value)
    {
        part.Headers.Remove("Content-Disposition");
        part.Headers.TryAddWithoutValidation("Content-Disposition", value);
    }

    private static string Day(DateTimeOffset now) => now.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    private static string Json(JsonNode node) => node.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    /// <summary>Shorthand for a field list.</summary>
    public static KeyValuePair<string, string> F(string name, string value) => new(name, value);
}
