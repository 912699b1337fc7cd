namespace Cairn.Core.StorageClasses;

/// <summary>
/// Every storage class S3 names, with AWS-shaped defaults (prices in USD per GiB-month as AWS lists
/// them for us-east-1, minimum durations and sizes as AWS bills them). Operators override entries.
/// </summary>
public sealed class StorageClassTable
{
    public const string Standard = "STANDARD";
    private const long KiB = 1024;
    private const double Hour = 1.0 / 24, Minute = Hour / 60;

    private readonly Dictionary<string, StorageClass> classes;

    public StorageClassTable(IEnumerable<StorageClass>? overrides = null)
    {
        classes = Defaults().ToDictionary(c => c.Name, StringComparer.Ordinal);
        foreach (var c in overrides ?? []) classes[c.Name] = c;
    }

    public static StorageClassTable Default { get; } = new();

    public IEnumerable<StorageClass> All => classes.Values.OrderBy(c => c.Rank).ThenBy(c => c.Name, StringComparer.Ordinal);

    public bool IsKnown(string name) => classes.ContainsKey(name);

    public StorageClass this[string name] => classes.TryGetValue(name, out var c) ? c : classes[Standard];

    private static IEnumerable<StorageClass> Defaults() =>
    [
        new() { Name = Standard, Rank = 0, PricePerGibMonth = 0.023m },
        new() { Name = "REDUCED_REDUNDANCY", Rank = 0, PricePerGibMonth = 0.024m },
        new() { Name = "EXPRESS_ONEZONE", Rank = 0, PricePerGibMonth = 0.11m },
        new() { Name = "OUTPOSTS", Rank = 0, PricePerGibMonth = 0.023m },
        new() { Name = "SNOW", Rank = 0, PricePerGibMonth = 0.023m },
        new() { Name = "INTELLIGENT_TIERING", Rank = 1, PricePerGibMonth = 0.023m, Tier = "warm" },
        new() { Name = "STANDARD_IA", Rank = 1, MinimumDays = 30, MinimumBillableBytes = 128 * KiB, PricePerGibMonth = 0.0125m, Tier = "warm" },
        new() { Name = "ONEZONE_IA", Rank = 1, MinimumDays = 30, MinimumBillableBytes = 128 * KiB, PricePerGibMonth = 0.01m, Tier = "warm" },
        new() { Name = "GLACIER_IR", Rank = 2, MinimumDays = 90, MinimumBillableBytes = 128 * KiB, PricePerGibMonth = 0.004m, Tier = "cold" },
        new()
        {
            Name = "GLACIER", Rank = 3, NeedsRestore = true, MinimumDays = 90, MinimumBillableBytes = 40 * KiB, PricePerGibMonth = 0.0036m, Tier = "cold",
            RestoreDays = new Dictionary<string, double> { ["Expedited"] = 5 * Minute, ["Standard"] = 4 * Hour, ["Bulk"] = 8 * Hour },
        },
        new()
        {
            Name = "DEEP_ARCHIVE", Rank = 4, NeedsRestore = true, MinimumDays = 180, MinimumBillableBytes = 40 * KiB, PricePerGibMonth = 0.00099m, Tier = "cold",
            RestoreDays = new Dictionary<string, double> { ["Standard"] = 12 * Hour, ["Bulk"] = 48 * Hour },
        },
    ];
}
