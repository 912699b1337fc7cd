using System.Text;

namespace Cairn.Auth.Internal;

/// <summary>The raw query string split into parameters, decoded for lookup and canonicalized for signing.</summary>
internal sealed class QueryParameters
{
    private readonly List<(string RawName, string RawValue, string Name, string Value)> items = [];

    public QueryParameters(string rawQuery)
    {
        foreach (var range in rawQuery.AsSpan().Split('&'))
        {
            var part = rawQuery.AsSpan(range);
            if (part.IsEmpty) continue;
            int eq = part.IndexOf('=');
            var rawName = eq < 0 ? part : part[..eq];
            var rawValue = eq < 0 ? ReadOnlySpan<char>.Empty : part[(eq + 1)..];
            items.Add((rawName.ToString(), rawValue.ToString(), AwsUriEncoding.Decode(rawName), AwsUriEncoding.Decode(rawValue)));
        }
    }

    public bool Contains(string name) => items.Exists(i => i.Name == name);

    /// <summary>The single value of a parameter; null when absent. Repeated parameters are ambiguous and rejected.</summary>
    public string? Get(string name, Func<Exception> onDuplicate)
    {
        string? found = null;
        foreach (var item in items)
        {
            if (item.Name != name) continue;
            if (found is not null) throw onDuplicate();
            found = item.Value;
        }
        return found;
    }

    /// <summary>name=value pairs, AWS-encoded ('/' too), sorted by name then value, joined with '&amp;'.</summary>
    public string Canonical(string? exclude = null)
    {
        var pairs = new List<(string Name, string Value)>(items.Count);
        foreach (var item in items)
        {
            if (exclude is not null && item.Name == exclude) continue;
            pairs.Add((AwsUriEncoding.Canonical(item.RawName, encodeSlash: true), AwsUriEncoding.Canonical(item.RawValue, encodeSlash: true)));
        }
        pairs.Sort(static (a, b) =>
        {
            int c = string.CompareOrdinal(a.Name, b.Name);
            return c != 0 ? c : string.CompareOrdinal(a.Value, b.Value);
        });
        var sb = new StringBuilder();
        foreach (var (name, value) in pairs)
        {
            if (sb.Length > 0) sb.Append('&');
            sb.Append(name).Append('=').Append(value);
        }
        return sb.ToString();
    }
}
