using Cairn.Core.Observability;
using Cairn.Node.Audit;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cairn.System.Tests;

/// <summary>The audit log's files on their own: group commit, reading back across files, a torn line after a crash.</summary>
public sealed class AuditFileLogTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "cairn-audit-" + Guid.NewGuid().ToString("N")[..12]);

    [Fact]
    public async Task Concurrent_appends_are_all_written_and_read_back_newest_first_after_a_reopen()
    {
        await using (var log = Open(maxFileBytes: 4096))
            await Task.WhenAll(Enumerable.Range(0, 200).Select(i => log.AppendAsync(Entry(i)).AsTask()));
        await using (var reopened = Open(maxFileBytes: 4096))
        {
            var read = await reopened.ReadAsync(new AuditQuery(Limit: 1000)).ToListAsync();
            Assert.Equal(200, read.Count);
            Assert.Equal(Enumerable.Range(0, 200).Select(i => $"R{i}").ToHashSet(), read.Select(e => e.RequestId).ToHashSet());
            Assert.True(Directory.GetFiles(folder).Length > 1, "4 KiB files must have rotated");
            // Newest first across files: the order they were written, reversed.
            var written = Directory.GetFiles(folder).Order(StringComparer.Ordinal).SelectMany(File.ReadLines).Count();
            Assert.Equal(200, written);
            Assert.Equal(50, (await reopened.ReadAsync(new AuditQuery(Action: "PutObject", Limit: 50)).ToListAsync()).Count);
        }
    }

    [Fact]
    public async Task A_torn_last_line_is_skipped_and_the_next_entry_starts_a_line_of_its_own()
    {
        await using (var log = Open())
            await log.AppendAsync(Entry(1));
        var file = Directory.GetFiles(folder).Single();
        await File.AppendAllTextAsync(file, "{\"time\":\"2026-");
        await using (var log = Open())
        {
            await log.AppendAsync(Entry(2));
            Assert.Equal(["R2", "R1"], (await log.ReadAsync(new AuditQuery()).ToListAsync()).Select(e => e.RequestId));
            Assert.Equal(["R2"], (await log.ReadAsync(new AuditQuery(Bucket: "b2")).ToListAsync()).Select(e => e.RequestId));
            Assert.Equal(["R1"], (await log.ReadAsync(new AuditQuery(FailuresOnly: true)).ToListAsync()).Select(e => e.RequestId));
        }
        Assert.Equal(3, File.ReadLines(file).Count());
    }

    private AuditFileLog Open(long maxFileBytes = AuditLogOptions.DefaultMaxFileBytes) =>
        new(new AuditLogOptions { Folder = folder, MaxFileBytes = maxFileBytes, KeepFiles = 1000 }, TimeProvider.System, NullLogger<AuditFileLog>.Instance);

    private static AuditEntry Entry(int i) => new(DateTimeOffset.UtcNow, $"R{i}", "arn:aws:iam::000000000000:root", "127.0.0.1", "s3", "PutObject",
        $"b{i}", $"k{i}", null, i % 2 == 1 ? 403 : 200, i % 2 == 1 ? "AccessDenied" : null);

    public void Dispose()
    {
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }
}
