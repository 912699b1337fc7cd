namespace Cairn.Policies;

/// <summary>
/// IAM's glob: <c>*</c> matches any run of characters (none included), <c>?</c> exactly one, everything else itself.
/// Used for actions (ignoring case), resources and StringLike/ArnLike values (exact case).
/// </summary>
public static class Wildcard
{
    /// <summary>
    /// Marks the next pattern character as literal: <see cref="PolicyVariables"/> writes <c>${*}</c> and <c>${?}</c>
    /// as an escaped <c>*</c> / <c>?</c>. A private-use code point, so it never occurs in a policy's own text
    /// (the parser refuses it).
    /// </summary>
    public const char Escape = '\uE000';

    public static bool HasWildcard(string pattern) => pattern.AsSpan().IndexOfAny('*', '?') >= 0;

    /// <summary>The pattern as plain text (escapes removed), for operators that compare exactly.</summary>
    public static string Unescape(string pattern) =>
        pattern.Contains(Escape) ? pattern.Replace(Escape.ToString(), "") : pattern;

    /// <summary>
    /// Linear-time greedy matching with one backtrack point (the last <c>*</c>): never exponential, whatever the
    /// pattern, so a hostile policy cannot stall a request.
    /// </summary>
    public static bool IsMatch(ReadOnlySpan<char> pattern, ReadOnlySpan<char> value, bool ignoreCase = false)
    {
        int p = 0, v = 0, star = -1, resume = 0;
        while (v < value.Length)
        {
            var width = Step(pattern, p, value[v], ignoreCase);
            if (width > 0)
            {
                p += width;
                v++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                resume = v;
            }
            else if (star >= 0)
            {
                p = star + 1;
                v = ++resume;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
            p++;
        return p == pattern.Length;
    }

    // How many pattern characters consume one value character at p: 1 for '?' or the same character, 2 for an
    // escaped literal, 0 when the pattern cannot consume it here (including at '*', handled by the caller).
    private static int Step(ReadOnlySpan<char> pattern, int p, char c, bool ignoreCase)
    {
        if (p >= pattern.Length)
            return 0;
        var head = pattern[p];
        if (head == Escape && p + 1 < pattern.Length)
            return Same(pattern[p + 1], c, ignoreCase) ? 2 : 0;
        if (head == '*')
            return 0;
        return head == '?' || Same(head, c, ignoreCase) ? 1 : 0;
    }

    private static bool Same(char a, char b, bool ignoreCase) =>
        a == b || (ignoreCase && char.ToLowerInvariant(a) == char.ToLowerInvariant(b));
}
