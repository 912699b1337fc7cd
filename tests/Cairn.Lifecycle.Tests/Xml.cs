using System.Text;
using Cairn.Core.Errors;

namespace Cairn.Lifecycle.Tests;

/// <summary>Builds lifecycle bodies the way clients send them.</summary>
internal static class Xml
{
    public static string Config(params string[] rules) =>
        $"<LifecycleConfiguration xmlns=\"{LifecycleXml.Namespace}\">{string.Concat(rules)}</LifecycleConfiguration>";

    /// <summary>A rule with an ID, an all-objects filter and Enabled status around the given actions.</summary>
    public static string Rule(string actions, string id = "r1", string filter = "<Filter><Prefix></Prefix></Filter>") =>
        $"<Rule><ID>{id}</ID>{filter}<Status>Enabled</Status>{actions}</Rule>";

    public static LifecycleConfiguration Parse(string body) => LifecycleXml.Parse(Encoding.UTF8.GetBytes(body));

    public static LifecycleRule ParseRule(string actions, string filter = "<Filter><Prefix></Prefix></Filter>") =>
        Assert.Single(Parse(Config(Rule(actions, filter: filter))).Rules);

    public static S3Exception Rejected(string body, S3ErrorCode code)
    {
        var e = Assert.Throws<S3Exception>(() => Parse(body));
        Assert.Equal(code.Code, e.Code.Code);
        return e;
    }
}
