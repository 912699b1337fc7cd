using System.Xml;
using System.Xml.Linq;
using System.Xml.Schema;
using Xunit;

namespace Cairn.Testing;

/// <summary>
/// Strict validation of S3 XML responses against the shapes in Schemas/*.xsd: element names, order, namespace and
/// value types. Any error or warning fails (an element the schema does not know is a warning, so it fails too, and so
/// does a root element no schema declares).
/// </summary>
public static class S3Schema
{
    public const string Namespace = "http://s3.amazonaws.com/doc/2006-03-01/";

    private static readonly XmlSchemaSet Schemas = Load();

    private static XmlSchemaSet Load()
    {
        var set = new XmlSchemaSet();
        foreach (var file in new[] { "S3Responses.xsd", "S3Error.xsd", "S3Acl.xsd", "Iam.xsd", "Sts.xsd" })
        {
            using var reader = XmlReader.Create(Path.Combine(AppContext.BaseDirectory, "Schemas", file));
            set.Add(null, reader);
        }
        set.Compile();
        return set;
    }

    /// <summary>What is wrong with <paramref name="body"/> against S3's shapes; empty when it is valid.</summary>
    public static IReadOnlyList<string> Problems(string body) => Check(body, out _);

    /// <summary>Validates <paramref name="body"/> and returns it parsed; the root must be <paramref name="root"/>.</summary>
    public static XElement Validate(string body, string root)
    {
        var problems = Check(body, out var parsed);
        Assert.True(problems.Count == 0, Describe(root, problems, body));
        Assert.Equal(root, parsed!.Name.LocalName);
        return parsed;
    }

    public static string Describe(string what, IReadOnlyList<string> problems, string body) =>
        $"{what} does not match S3's shape:\n{string.Join("\n", problems)}\n--- body ---\n{body}";

    private static List<string> Check(string body, out XElement? parsed)
    {
        var problems = new List<string>();
        var settings = new XmlReaderSettings
        {
            ValidationType = ValidationType.Schema,
            Schemas = Schemas,
            ValidationFlags = XmlSchemaValidationFlags.ReportValidationWarnings | XmlSchemaValidationFlags.ProcessIdentityConstraints,
            DtdProcessing = DtdProcessing.Prohibit,
            // S3 writes control characters in keys as character references (&#x1;), which XML 1.0 readers refuse by default.
            CheckCharacters = false,
        };
        settings.ValidationEventHandler += (_, e) => problems.Add($"{e.Severity} at {e.Exception?.LineNumber}:{e.Exception?.LinePosition}: {e.Message}");
        parsed = null;
        try
        {
            using var reader = XmlReader.Create(new StringReader(body), settings);
            parsed = XElement.Load(reader, LoadOptions.PreserveWhitespace);
        }
        catch (XmlException e)
        {
            problems.Add("not well-formed XML: " + e.Message);
            return problems;
        }
        // A wildcard cannot be followed by named elements unambiguously, so Error's last element is checked here.
        if (parsed.Name == "Error" && parsed.Elements().LastOrDefault()?.Name.LocalName != "RequestId")
            problems.Add("Error: RequestId is not the last element");
        return problems;
    }

    /// <summary>The names of the direct children, in document order (to pin an order the schema leaves open).</summary>
    public static string[] ChildNames(XElement parent) => [.. parent.Elements().Select(e => e.Name.LocalName)];

    public static XName Name(string local) => XName.Get(local, Namespace);
}
