using System.Globalization;
using System.Text;

namespace Cairn.WebConsole.Pages.Operator;

/// <summary>The usage sampler's history as the usage page draws it (bytes per class over time, byte-days per day) and as its CSV holds it.</summary>
public static class UsageHistoryRows
{
    /// <summary>Stored bytes (current, noncurrent and incomplete-upload) of each storage class over time, one series a class.</summary>
    public static IReadOnlyList<(string StorageClass, IReadOnlyList<(DateTimeOffset At, double Bytes)> Points)> BytesPerClass(IReadOnlyList<UsageSampleFigures> samples) =>
        samples.SelectMany(s => s.Classes.Select(c => c.StorageClass)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(storageClass => (storageClass, (IReadOnlyList<(DateTimeOffset, double)>)samples
                .Select(s => (s.At, (double)s.Classes.Where(c => c.StorageClass == storageClass).Sum(c => c.Bytes))).ToArray()))
            .ToArray();

    /// <summary>
    /// Byte-days billed each UTC day: the growth of the byte-days accrued so far from the day's last sample before it (or the
    /// day's first sample, for the history's first day) to its last. A bucket deleted that day takes its byte-days out of the
    /// total, so a day never counts below zero.
    /// </summary>
    public static IReadOnlyList<(DateOnly Day, double ByteDays)> ByteDaysPerDay(IReadOnlyList<UsageSampleFigures> samples)
    {
        var days = new List<(DateOnly, double)>();
        double? before = null;
        foreach (var day in samples.GroupBy(s => DateOnly.FromDateTime(s.At.UtcDateTime)))
        {
            var totals = day.Select(s => s.Classes.Sum(c => c.ByteDays)).ToArray();
            days.Add((day.Key, Math.Max(0, totals[^1] - (before ?? totals[0]))));
            before = totals[^1];
        }
        return days;
    }

    public const string CsvHeader = "at,bucket,storage_class,objects,current_bytes,noncurrent_bytes,incomplete_upload_bytes,"
        + "stored_byte_days,noncurrent_byte_days,incomplete_upload_byte_days,early_delete_byte_days";

    /// <summary>One line per sample, bucket and class, as <see cref="UsageRows.Csv"/> writes its lines (RFC 4180, invariant numbers).</summary>
    public static string Csv(IEnumerable<UsageSampleFigures> samples)
    {
        var csv = new StringBuilder(CsvHeader).Append("\r\n");
        foreach (var s in samples)
            foreach (var c in s.Classes)
                csv.AppendJoin(',', s.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture), UsageRows.Field(c.Bucket), UsageRows.Field(c.StorageClass),
                        Integer(c.Objects), Integer(c.CurrentBytes), Integer(c.NoncurrentBytes), Integer(c.IncompleteUploadBytes),
                        UsageRows.Number(c.CurrentByteDays), UsageRows.Number(c.NoncurrentByteDays), UsageRows.Number(c.IncompleteUploadByteDays), UsageRows.Number(c.EarlyDeleteByteDays))
                   .Append("\r\n");
        return csv.ToString();
    }

    private static string Integer(long value) => value.ToString(CultureInfo.InvariantCulture);
}
