using System.Text.RegularExpressions;
using CsCheck;
using Cairn.Policies;

namespace Cairn.Policies.Tests;

public sealed class WildcardTests
{
    private static readonly Gen<string> Patterns = Gen.String[Gen.Char["ab*?/"], 0, 10];
    private static readonly Gen<string> Values = Gen.String[Gen.Char["abAB/"], 0, 12];

    [Theory]
    [InlineData("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a/b.txt", true)]
    [InlineData("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket", false)]
    [InlineData("arn:aws:s3:::bucket/public/*", "arn:aws:s3:::bucket/private/x", false)]
    [InlineData("arn:aws:s3:::bucket/?.txt", "arn:aws:s3:::bucket/a.txt", true)]
    [InlineData("arn:aws:s3:::bucket/?.txt", "arn:aws:s3:::bucket/ab.txt", false)]
    [InlineData("*", "", true)]
    [InlineData("", "", true)]
    [InlineData("a*b*c", "aXbYbZc", true)]
    [InlineData("a*b*c", "aXbYbZ", false)]
    public void Matches_like_IAM(string pattern, string value, bool expected) =>
        Assert.Equal(expected, Wildcard.IsMatch(pattern, value));

    [Fact]
    public void Actions_match_ignoring_case_resources_do_not()
    {
        Assert.True(Wildcard.IsMatch("s3:get*", "s3:GetObject", ignoreCase: true));
        Assert.False(Wildcard.IsMatch("arn:aws:s3:::Bucket/*", "arn:aws:s3:::bucket/x"));
    }

    [Fact]
    public void Escaped_wildcards_are_literal()
    {
        var literalStar = $"a{Wildcard.Escape}*b";
        Assert.True(Wildcard.IsMatch(literalStar, "a*b"));
        Assert.False(Wildcard.IsMatch(literalStar, "axb"));
        Assert.True(Wildcard.IsMatch($"*{Wildcard.Escape}?", "xyz?"));
        Assert.False(Wildcard.IsMatch($"*{Wildcard.Escape}?", "xyz!"));
    }

    [Fact]
    public void Agrees_with_a_regular_expression_on_any_pattern() =>
        Gen.Select(Patterns, Values, Gen.Bool).Sample((pattern, value, ignoreCase) =>
        {
            var regex = "^" + Regex.Escape(pattern).Replace(@"\*", ".*").Replace(@"\?", ".") + "$";
            var options = RegexOptions.Singleline | (ignoreCase ? RegexOptions.IgnoreCase | RegexOptions.CultureInvariant : RegexOptions.None);
            return Regex.IsMatch(value, regex, options) == Wildcard.IsMatch(pattern, value, ignoreCase);
        }, iter: 20_000);

    [Fact]
    public void A_pattern_without_wildcards_matches_only_itself() =>
        Gen.Select(Values, Values).Sample((a, b) => Wildcard.IsMatch(a, b) == (a == b), iter: 5_000);

    [Fact]
    public void Hostile_patterns_stay_linear()
    {
        var pattern = string.Concat(Enumerable.Repeat("*a", 2_000)) + "b";
        var value = new string('a', 20_000);
        Assert.False(Wildcard.IsMatch(pattern, value));
    }
}
