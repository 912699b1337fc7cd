using System.Globalization;
using System.Text;
using Cairn.Core.Errors;
using Microsoft.AspNetCore.Http;

namespace Cairn.FrontDoor.Http;

/// <summary>S3's limit on a request's header section, checked before anything else reads the request.</summary>
public static class HeaderSection
{
    /// <summary>The header section's size as HTTP/1.1 writes it: "name: value\r\n" per value, in UTF-8.</summary>
    public static int Bytes(IHeaderDictionary headers)
    {
        var total = 0;
        foreach (var (name, values) in headers)
            foreach (var value in values)
                total += name.Length + 4 + (value is null ? 0 : Encoding.UTF8.GetByteCount(value));
        return total;
    }

    /// <summary>Refuses a header section over <paramref name="limit"/> bytes with 400 RequestHeaderSectionTooLarge, as S3 does.</summary>
    public static void Check(IHeaderDictionary headers, int limit)
    {
        if (Bytes(headers) > limit)
            throw new S3Exception(S3ErrorCode.RequestHeaderSectionTooLarge)
            {
                Details = new Dictionary<string, string> { ["MaxSizeAllowed"] = limit.ToString(CultureInfo.InvariantCulture) },
            };
    }
}
