namespace Cairn.Policies;

/// <summary>
/// IAM policy variables (2012-10-17 documents only): <c>${aws:username}</c> and any other single-valued request key,
/// <c>${key, 'default'}</c>, and the escapes <c>${*}</c>, <c>${?}</c>, <c>${$}</c> for the literal characters.
/// </summary>
public static class PolicyVariables
{
    /// <summary>
    /// The template with its variables replaced, as a <see cref="Wildcard"/> pattern; null when a variable has no
    /// value and no default (IAM: the element then matches nothing).
    /// </summary>
    public static string? Substitute(string template, RequestContext context)
    {
        var start = template.IndexOf("${", StringComparison.Ordinal);
        if (start < 0)
            return template;

        var result = new System.Text.StringBuilder(template.Length + 16);
        var at = 0;
        while (start >= 0)
        {
            var end = template.IndexOf('}', start + 2);
            if (end < 0)
                break;
            result.Append(template, at, start - at);
            var value = Resolve(template.AsSpan(start + 2, end - start - 2), context);
            if (value is null)
                return null;
            result.Append(value);
            at = end + 1;
            start = template.IndexOf("${", at, StringComparison.Ordinal);
        }

        result.Append(template, at, template.Length - at);
        return result.ToString();
    }

    private static string? Resolve(ReadOnlySpan<char> inner, RequestContext context)
    {
        switch (inner)
        {
            case "*": return $"{Wildcard.Escape}*";
            case "?": return $"{Wildcard.Escape}?";
            case "$": return "$";
        }

        string? fallback = null;
        var comma = inner.IndexOf(',');
        if (comma >= 0)
        {
            var rest = inner[(comma + 1)..].Trim();
            if (rest.Length >= 2 && rest[0] == '\'' && rest[^1] == '\'')
                fallback = rest[1..^1].ToString();
            inner = inner[..comma];
        }

        var values = context.Values(inner.Trim().ToString());
        return values is [var only] ? EscapeLiteral(only) : fallback;
    }

    // A value from the request is text, never a pattern: "a*b" as a user name must not match "axyzb".
    private static string EscapeLiteral(string value) =>
        Wildcard.HasWildcard(value)
            ? value.Replace("*", $"{Wildcard.Escape}*").Replace("?", $"{Wildcard.Escape}?")
            : value;
}
