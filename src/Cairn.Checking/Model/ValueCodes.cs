namespace Cairn.Checking.Model;

/// <summary>The register's states as small integers: absent, a stand-in for any value no operation mentions, then the values.</summary>
internal static class ValueCodes
{
    public const int Absent = 0;

    /// <summary>A value written before the checked operations that none of them mentions: all such values behave alike.</summary>
    public const int Other = 1;

    public const int FirstValue = 2;

    /// <summary>The output of a listing that shows the key with an ETag that identifies no known write: any present value.</summary>
    public const int AnyPresent = -1;
}

/// <summary>Interns one key's value strings (bodies) to codes from <see cref="ValueCodes.FirstValue"/> on.</summary>
internal sealed class ValueTable
{
    private readonly Dictionary<string, int> codes = new(StringComparer.Ordinal);
    private readonly List<string> names = [];

    public int Code(string value)
    {
        if (codes.TryGetValue(value, out var code)) return code;
        code = ValueCodes.FirstValue + names.Count;
        codes.Add(value, code);
        names.Add(value);
        return code;
    }

    public string Name(int code) => code switch
    {
        ValueCodes.Absent => "(absent)",
        ValueCodes.Other => "(another earlier value)",
        ValueCodes.AnyPresent => "(some value)",
        _ => names[code - ValueCodes.FirstValue],
    };
}
