using Cairn.Auth;
using Cairn.Index.Identities;
using Microsoft.AspNetCore.Http;

namespace Cairn.FrontDoor.Identity;

/// <summary>One authenticated query-API call: its parameters, who made it, and the HTTP request (for condition keys).</summary>
public sealed record IamCall(string Action, IamForm Form, Principal Caller, HttpContext Http)
{
    /// <summary>UserName, or — as IAM does when it is left out — the calling user's own name.</summary>
    public string UserNameOrCaller() =>
        Form.OptionalName("UserName")
        ?? (Caller.Kind == PrincipalKind.User && Caller.Name is { } name
            ? name
            : throw IamErrors.ValidationError("Must specify userName when calling with non-User credentials"));
}

/// <summary>What an action answers: writes its Result element's children, or null for an action without a Result.</summary>
public delegate void IamResult(IamXml xml);

/// <summary>A page of a listing as IAM pages (MaxItems 1–1000, 100 by default; Marker from the previous page's answer).</summary>
public sealed record IamPage<T>(IReadOnlyList<T> Items, string? NextMarker)
{
    public static IamPage<T> Of(IEnumerable<T> ordered, Func<T, string> key, IamForm form)
    {
        var max = form.Integer("MaxItems", 1, 1000, 100);
        var items = form.Optional("Marker") is { } marker
            ? ordered.SkipWhile(x => string.Compare(key(x), marker, StringComparison.OrdinalIgnoreCase) < 0)
            : ordered;
        var taken = items.Take(max + 1).ToList();
        return taken.Count > max ? new IamPage<T>(taken[..max], key(taken[max])) : new IamPage<T>(taken, null);
    }

    /// <summary>A page of the entities whose path starts with PathPrefix (<c>/</c>, all, when absent), as IAM's listings filter.</summary>
    public static IamPage<T> UnderPath(IEnumerable<T> ordered, Func<T, string> path, Func<T, string> key, IamForm form)
    {
        var prefix = form.Optional("PathPrefix") ?? "/";
        return Of(ordered.Where(x => path(x).StartsWith(prefix, StringComparison.Ordinal)), key, form);
    }

    /// <summary>The list under <paramref name="name"/>, then IsTruncated and, when there is more, Marker.</summary>
    public void Write(IamXml xml, string name, Action<IamXml, T> item) =>
        xml.Members(name, Items, item).Element("IsTruncated", NextMarker is not null).Element("Marker", NextMarker);
}
