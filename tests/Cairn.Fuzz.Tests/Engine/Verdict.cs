using Cairn.Core.Errors;

namespace Cairn.Fuzz.Tests.Engine;

/// <summary>The one rule every target is held to, and its helpers.</summary>
public static class Verdict
{
    /// <summary>A refusal a client may get: any 4xx (or 304/412 from a condition), or 501 for what is not served.</summary>
    public static bool IsAcceptable(S3Exception e) => e.Code.Status < 500 || e.Code == S3ErrorCode.NotImplemented;

    /// <summary>Runs one of several independent parsers fed by the same input: its refusal does not hide the others.</summary>
    public static void Each(params Action[] parsers)
    {
        foreach (var parse in parsers)
        {
            try
            {
                parse();
            }
            catch (S3Exception e) when (IsAcceptable(e))
            {
            }
        }
    }

    /// <summary>
    /// What Cairn stored must read back: a configuration it normalised and kept is parsed again on every later request,
    /// where a refusal would be the server's fault, so any exception there breaks the property.
    /// </summary>
    public static T StoredFormReadsBack<T>(string stored, Func<string, T> parse)
    {
        try
        {
            return parse(stored);
        }
        catch (Exception e)
        {
            throw new InvalidOperationException("The stored form of an accepted document does not parse again:\n" + stored, e);
        }
    }
}
