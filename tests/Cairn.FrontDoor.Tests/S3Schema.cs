using System.Xml;
using System.Xml.Linq;
using System.Xml.Schema;

namespace Cairn.FrontDoor.Tests;

/// <summary>
/// Strict validation of S3 XML responses against the shapes in Schemas/*.xsd: element names, order, namespace and
/// value types. Any error or warning fails (an element the schema does not know is a warning, so it fails too).
/// </summary>
internal static class S3Schema
{
    public const string Namespace = "http://s3.amazonaws.com/doc/2006-03-01/";

    private static readonly XmlSchemaSet Schemas = Load();

    private static XmlSchemaSet Load()
    {
        var set = new XmlSchemaSet();
        foreach (var file in new[] { "S3Responses.xsd", "S3Error.xsd" })
        {
            using var reader = XmlReader.Create(Path.Combine(AppContext.BaseDirectory, "Schemas", file));
            set.Add(null, reader);
        }
        set.Compile();
        return set;
    }

    /// <summary>Validates <paramref name="body"/> and returns it parsed; the root must be <paramref name="root"/>.</summary>
    public static XElement Validate(string body, string root)
    {
        var problems = new List<string>();
        var settings = new XmlReaderSettings
        {
            ValidationType = ValidationType.Schema,
            Schemas = Schemas,
            ValidationFlags = XmlSchemaValidationFlags.ReportValidationWarnings | XmlSchemaValidationFlags.ProcessIdentityConstraints,
            DtdProcessing = DtdProcessing.Prohibit,
        };
        settings.ValidationEventHandler += (_, e) => problems.Add($"{e.Severity} at {e.Exception?.LineNumber}:{e.Exception?.LinePosition}: {e.Message}");
        XElement parsed;
        using (var reader = XmlReader.Create(new StringReader(body), settings)) parsed = XElement.Load(reader, LoadOptions.PreserveWhitespace);
        Assert.True(problems.Count == 0, $"{root} does not match S3's shape:\n{string.Join("\n", problems)}\n--- body ---\n{body}");
        Assert.Equal(root, parsed.Name.LocalName);
        if (root == "Error") Assert.Equal("RequestId", parsed.Elements().Last().Name.LocalName);
        return parsed;
    }

    /// <summary>The names of the direct children, in document order (to pin an order the schema leaves open).</summary>
    public static string[] ChildNames(XElement parent) => [.. parent.Elements().Select(e => e.Name.LocalName)];

    public static XName Name(string local) => XName.Get(local, Namespace);
}
