using System.Text;
using Cairn.Fuzz.Tests.Engine;
using Cairn.FrontDoor.Forms;

namespace Cairn.Fuzz.Tests.Targets;

/// <summary>
/// A browser POST form: the multipart/form-data reader up to the file, then the file's bytes. The input's first line
/// is the Content-Type header (with its boundary); the rest is the body.
/// </summary>
public sealed class PostFormTarget : FuzzTarget
{
    public override string Name => "post-form";

    protected override IEnumerable<string> Words =>
    [
        "\r\n", "--", "boundary=", "multipart/form-data; ", "Content-Disposition: form-data; name=\"", "\"; filename=\"", "filename*=UTF-8''",
        "Content-Type: ", "name=\"file\"", "name=\"key\"", "name=\"policy\"", "name=\"x-amz-signature\"", "\"", ";", "\r\n\r\n",
    ];

    public override async Task RunAsync(byte[] input)
    {
        int newline = Array.IndexOf(input, (byte)'\n');
        var contentType = Encoding.Latin1.GetString(input, 0, newline < 0 ? input.Length : newline).TrimEnd('\r');
        var body = newline < 0 ? [] : input[(newline + 1)..];
        var request = new RawRequest("POST", "/bucket", [("Content-Type", contentType)], body)
            .ToHttpRequest(new TrickleStream(body, 1 + body.Length % 61));
        var form = await PostForm.ReadAsync(request, CancellationToken.None);
        if (form.File is { } file) await Drain.ReadToEndAsync(new FormFileStream(file, 0, long.MaxValue), 1 + input.Length % 1031);
    }
}

/// <summary>A POST policy document (JSON, as the form sends it base64-encoded), parsed, then checked against a form.</summary>
public sealed class PostPolicyTarget : FuzzTarget
{
    private static readonly KeyValuePair<string, string>[] Fields =
    [
        new("key", "uploads/${filename}"), new("bucket", "bucket"), new("Content-Type", "image/png"), new("acl", "private"),
        new("success_action_status", "201"), new("x-amz-meta-tag", "v"), new("x-amz-algorithm", "AWS4-HMAC-SHA256"),
    ];

    public override string Name => "post-policy";

    protected override IEnumerable<string> Words =>
    [
        "{", "}", "[", "]", ",", ":", "\"", "\\", "\\u0000", "\\ud800", "null", "true", "1e400", "-1", "\"expiration\"", "\"conditions\"",
        "\"eq\"", "\"starts-with\"", "\"content-length-range\"", "\"$key\"", "\"$bucket\"", "\"$Content-Type\"", "\"$x-amz-meta-tag\"",
        "\"2030-01-01T00:00:00.000Z\"", "\"2030-01-01T00:00:00Z\"",
    ];

    public override byte[]? MutateStructure(byte[] seed, Random random) =>
        JsonStructureMutator.Mutate(seed, random, ["expiration", "conditions", "bucket", "key", "acl", "success_action_status", "x-amz-meta-tag"]);

    public override Task RunAsync(byte[] input)
    {
        // Mostly the JSON the browser encodes; now and then the raw bytes, to reach the base64 decoder too.
        var encoded = input.Length % 8 == 0 ? Encoding.Latin1.GetString(input) : Convert.ToBase64String(input);
        var policy = PostPolicy.Parse(encoded);
        policy.Check(Fields, new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.Zero));
        return Task.CompletedTask;
    }
}
