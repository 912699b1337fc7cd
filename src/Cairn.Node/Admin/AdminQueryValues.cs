using System.Globalization;
using Cairn.Core.Errors;
using Microsoft.AspNetCore.Http;

namespace Cairn.Node.Admin;

/// <summary>How the admin API reads its query parameters: an empty value is no value, and a time is ISO 8601 (UTC unless it says).</summary>
public static class AdminQueryValues
{
    public static string? Text(IQueryCollection query, string name) => query[name].ToString() is { Length: > 0 } value ? value : null;

    /// <summary>The time the parameter gives; <paramref name="invalid"/> makes the error for one that does not parse.</summary>
    public static DateTimeOffset? Time(IQueryCollection query, string name, Func<string, S3Exception> invalid) =>
        Text(query, name) is not { } text ? null
        : DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at
        : throw invalid(text);
}
