using System.CommandLine.Parsing;

namespace Cairn.Cli;

/// <summary>Custom option parsers the commands share: a try-parse that explains its refusal becomes a parse error.</summary>
public static class OptionParsing
{
    public delegate bool TryParser<T>(string? text, out T value, out string error);

    public static T Parse<T>(ArgumentResult result, TryParser<T> parser)
    {
        if (parser(result.Tokens.Count == 1 ? result.Tokens[0].Value : null, out var value, out var error)) return value;
        result.AddError(error);
        return default!;
    }

    public static bool TryParseEndpoint(string? text, out Uri endpoint, out string error)
    {
        error = $"'{text}' is not an http:// or https:// URL";
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
        {
            endpoint = uri;
            return true;
        }
        endpoint = null!;
        return false;
    }
}
