using System.Globalization;
using System.Text;

namespace Cairn.WebConsole.Pages.Operator;

/// <summary>One bucket and storage class of the bill: byte-days by kind, the cost, and its incomplete-upload bytes at the latest usage sample.</summary>
public sealed record UsageRow(string Bucket, string StorageClass, double StoredByteDays, double NoncurrentByteDays, double EarlyDeleteByteDays,
    double IncompleteUploadByteDays, decimal Cost, long IncompleteUploadBytes);

/// <summary>The admin API's bill and the usage sampler's latest sample joined per bucket and storage class, as the usage page shows it and its CSV holds it.</summary>
public static class UsageRows
{
    public static IReadOnlyList<UsageRow> From(BillFigures bill, UsageSampleFigures? latest)
    {
        var incomplete = (latest?.Classes ?? []).Where(c => c.IncompleteUploadBytes > 0)
            .ToDictionary(c => (c.Bucket, c.StorageClass), c => c.IncompleteUploadBytes);
        var rows = bill.Lines
            .GroupBy(l => (l.Bucket, l.StorageClass))
            .Select(g =>
            {
                double Of(string kind) => g.Where(l => l.Kind == kind).Sum(l => l.ByteDays);
                return new UsageRow(g.Key.Bucket, g.Key.StorageClass, Of("current"), Of("noncurrent"), Of("early-delete"), Of("incomplete-upload"),
                    g.Sum(l => l.Cost), incomplete.GetValueOrDefault(g.Key));
            })
            .ToList();
        // A class whose uploads in progress have not been billed a byte-day yet gets a row of its own.
        foreach (var ((bucket, storageClass), bytes) in incomplete)
            if (!rows.Exists(r => r.Bucket == bucket && r.StorageClass == storageClass))
                rows.Add(new UsageRow(bucket, storageClass, 0, 0, 0, 0, 0, bytes));
        return rows.OrderBy(r => r.Bucket, StringComparer.Ordinal).ThenBy(r => r.StorageClass, StringComparer.Ordinal).ToArray();
    }

    public const string CsvHeader = "bucket,storage_class,stored_byte_days,noncurrent_byte_days,early_delete_byte_days,incomplete_upload_byte_days,cost,incomplete_upload_bytes";

    /// <summary>RFC 4180: CRLF lines, a field quoted when it holds a comma, quote or line break; numbers in invariant culture.</summary>
    public static string Csv(IEnumerable<UsageRow> rows)
    {
        var csv = new StringBuilder(CsvHeader).Append("\r\n");
        foreach (var r in rows)
            csv.AppendJoin(',', Field(r.Bucket), Field(r.StorageClass), Number(r.StoredByteDays), Number(r.NoncurrentByteDays), Number(r.EarlyDeleteByteDays),
                Number(r.IncompleteUploadByteDays), r.Cost.ToString(CultureInfo.InvariantCulture), r.IncompleteUploadBytes.ToString(CultureInfo.InvariantCulture))
               .Append("\r\n");
        return csv.ToString();
    }

    public static string Number(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    public static string Field(string text) =>
        text.IndexOfAny([',', '"', '\r', '\n']) < 0 ? text : "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
