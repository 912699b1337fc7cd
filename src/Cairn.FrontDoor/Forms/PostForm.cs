using System.Text;
using Cairn.Core.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Cairn.FrontDoor.Forms;

/// <summary>
/// A browser POST form (multipart/form-data), read as S3 reads it: the fields before the one named "file" are
/// read, at most 20 KB of them; the file is left unread for the caller to stream; whatever comes after it is
/// ignored. Field names are matched without regard to case, values are kept exactly.
/// </summary>
public sealed class PostForm
{
    /// <summary>S3's bound on the fields that precede the file.</summary>
    public const int MaxFieldBytes = 20 * 1024;

    private const string MultipartFormData = "multipart/form-data";

    private readonly List<KeyValuePair<string, string>> fields = [];

    private PostForm()
    {
    }

    /// <summary>The fields before the file, in the order sent, with their names as sent.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Fields => fields;

    /// <summary>The file's bytes, unread; null when the form has no field named "file".</summary>
    public Stream? File { get; private set; }

    /// <summary>The file's name as the browser gave it ("" when it gave none).</summary>
    public string FileName { get; private set; } = "";

    /// <summary>The first field of that name (in any case), or null.</summary>
    public string? Field(string name)
    {
        foreach (var (fieldName, value) in fields)
            if (fieldName.Equals(name, StringComparison.OrdinalIgnoreCase)) return value;
        return null;
    }

    /// <summary>Reads the fields up to the file; throws S3's error for a request that is no POST form.</summary>
    public static async Task<PostForm> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type) || !type.MediaType.Equals(MultipartFormData, StringComparison.OrdinalIgnoreCase))
        {
            throw new S3Exception(S3ErrorCode.PreconditionFailed)
            {
                Details = new Dictionary<string, string> { ["Condition"] = "Bucket POST must be of the enclosure-type multipart/form-data" },
            };
        }
        var boundary = HeaderUtilities.RemoveQuotes(type.Boundary).Value;
        if (string.IsNullOrEmpty(boundary)) throw Malformed();

        var form = new PostForm();
        var reader = FormFileStream.Guard(() => new MultipartReader(boundary, request.Body) { BodyLengthLimit = null });
        var budget = MaxFieldBytes;
        while (await FormFileStream.Guard(() => reader.ReadNextSectionAsync(cancellationToken)).ConfigureAwait(false) is { } section)
        {
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase))
                throw Malformed();
            var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
            if (name.Equals("file", StringComparison.OrdinalIgnoreCase))
            {
                form.File = section.Body;
                form.FileName = FileNameOf(disposition);
                return form;
            }
            budget -= Encoding.UTF8.GetByteCount(name);
            var value = await ReadFieldAsync(section.Body, budget, cancellationToken).ConfigureAwait(false);
            budget -= value.Length;
            form.fields.Add(new(name, Encoding.UTF8.GetString(value)));
        }
        return form;
    }

    /// <summary>filename* (RFC 5987) when given, else filename.</summary>
    private static string FileNameOf(ContentDispositionHeaderValue disposition)
    {
        try
        {
            return disposition.FileNameStar.HasValue ? disposition.FileNameStar.Value!
                : HeaderUtilities.RemoveQuotes(disposition.FileName).Value ?? "";
        }
        catch (ArgumentException)
        {
            // ASP.NET's decoder throws on a "filename*" parameter without a value instead of refusing it.
            throw Malformed();
        }
    }

    /// <summary>A field's value, read whole when it fits in what is left of the 20 KB.</summary>
    private static async Task<byte[]> ReadFieldAsync(Stream body, int budget, CancellationToken cancellationToken)
    {
        if (budget < 0) throw TooLarge();
        var buffer = new byte[Math.Min(budget, 4096) + 1];
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                if (length > budget) throw TooLarge();
                Array.Resize(ref buffer, Math.Min(budget, buffer.Length * 2) + 1);
            }
            var n = await FormFileStream.Guard(() => body.ReadAsync(buffer.AsMemory(length), cancellationToken).AsTask()).ConfigureAwait(false);
            if (n == 0) break;
            length += n;
        }
        if (length > budget) throw TooLarge();
        return buffer[..length];
    }

    public static S3Exception Malformed() => new(S3ErrorCode.MalformedPOSTRequest);

    private static S3Exception TooLarge() => new(S3ErrorCode.MaxPostPreDataLengthExceededError);
}
