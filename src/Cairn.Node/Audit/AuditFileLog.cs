using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.Channels;
using Cairn.Core.IO;
using Cairn.Core.Observability;
using Microsoft.Extensions.Logging;

namespace Cairn.Node.Audit;

/// <summary>
/// The audit log as JSON lines in rotating files (<see cref="AuditFiles"/>). One writer takes every entry queued while the
/// previous batch was written and puts them to disk with one fsync (group commit), so concurrent appends share it; an
/// append completes once its batch is synced. A file that would grow past <see cref="AuditLogOptions.MaxFileBytes"/> is
/// synced and closed and a new one started; only the newest <see cref="AuditLogOptions.KeepFiles"/> files are kept.
/// </summary>
public sealed partial class AuditFileLog : IAuditLog, IAsyncDisposable
{
    private const int MaxBatch = 1024;

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly Channel<Pending> queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly AuditLogOptions options;
    private readonly TimeProvider time;
    private readonly ILogger<AuditFileLog> log;
    private readonly Task writer;

    /// <summary>The file being written; only the writer's loop touches it.</summary>
    private FileStream? file;

    public AuditFileLog(AuditLogOptions options, TimeProvider time, ILogger<AuditFileLog> log)
    {
        if (options.MaxFileBytes < 1024) throw new ArgumentException("The audit log's files must be allowed at least 1 KiB.", nameof(options));
        if (options.KeepFiles < 1) throw new ArgumentException("The audit log must keep at least one file.", nameof(options));
        (this.options, this.time, this.log) = (options with { Folder = Path.GetFullPath(options.Folder) }, time, log);
        Directory.CreateDirectory(this.options.Folder);
        writer = Task.Run(WriteLoopAsync);
    }

    public ValueTask AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default)
    {
        var pending = new Pending(entry, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!queue.Writer.TryWrite(pending)) throw new ObjectDisposedException(nameof(AuditFileLog), "The audit log is closed.");
        return new ValueTask(pending.Written.Task.WaitAsync(cancellationToken));
    }

    /// <summary>
    /// The entries that match, newest first (in the order they were written), from the newest file back. Within a file only
    /// the last <see cref="AuditQuery.Limit"/> matches are held. A line that does not parse (the torn end of a file written
    /// when the node died) is skipped.
    /// </summary>
    public async IAsyncEnumerable<AuditEntry> ReadAsync(AuditQuery query, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var remaining = query.Limit;
        foreach (var path in AuditFiles.OldestFirst(options.Folder).Reverse())
        {
            if (remaining <= 0) yield break;
            var newest = await NewestMatchesAsync(path, query, remaining, cancellationToken).ConfigureAwait(false);
            foreach (var entry in newest.Reverse())
            {
                yield return entry;
                remaining--;
            }
        }
    }

    private static async Task<Queue<AuditEntry>> NewestMatchesAsync(string path, AuditQuery query, int limit, CancellationToken cancellationToken)
    {
        var matches = new Queue<AuditEntry>();
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 64 * 1024, useAsync: true);
        }
        catch (FileNotFoundException)
        {
            return matches; // removed by retention since the listing
        }
        using var reader = new StreamReader(stream);
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (Parse(line) is not { } entry || !AuditFilter.Matches(entry, query)) continue;
            if (matches.Count == limit) matches.Dequeue();
            matches.Enqueue(entry);
        }
        return matches;
    }

    private static AuditEntry? Parse(string line)
    {
        try
        {
            return line.Length == 0 ? null : JsonSerializer.Deserialize<AuditEntry>(line, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<Pending>();
        while (await queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < MaxBatch && queue.Reader.TryRead(out var pending)) batch.Add(pending);
            try
            {
                Write(batch);
                foreach (var pending in batch) pending.Written.TrySetResult();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                LogWriteFailed(e, batch.Count);
                Abandon();
                foreach (var pending in batch) pending.Written.TrySetException(e);
            }
            batch.Clear();
        }
        Close();
    }

    private void Write(List<Pending> batch)
    {
        foreach (var pending in batch)
        {
            var line = JsonSerializer.SerializeToUtf8Bytes(pending.Entry, Json);
            var current = file ??= OpenNewest() ?? Create();
            if (current.Length > 0 && current.Length + line.Length + 1 > options.MaxFileBytes)
            {
                Close(); // synced: the entries of this batch written so far are on disk
                current = file = Create();
                Retain();
            }
            current.Write(line);
            current.WriteByte((byte)'\n');
        }
        // One fsync for the whole batch: what makes an append durable.
        file?.Flush(flushToDisk: true);
    }

    /// <summary>The newest file, to append to after a restart, if it has room; a torn last line is ended first.</summary>
    private FileStream? OpenNewest()
    {
        if (AuditFiles.OldestFirst(options.Folder) is not [.., var newest] || new FileInfo(newest).Length >= options.MaxFileBytes) return null;
        var torn = false;
        using (var read = new FileStream(newest, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
            if (read.Length > 0)
            {
                read.Seek(-1, SeekOrigin.End);
                torn = read.ReadByte() != '\n';
            }
        var stream = new FileStream(newest, FileMode.Append, FileAccess.Write, FileShare.Read | FileShare.Delete, 64 * 1024);
        if (torn) stream.WriteByte((byte)'\n');
        return stream;
    }

    private FileStream Create()
    {
        var path = Path.Combine(options.Folder, AuditFiles.NewName(time.GetUtcNow(), options.Folder));
        var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read | FileShare.Delete, 64 * 1024);
        DirectorySync.Sync(options.Folder); // the new file's name survives a crash
        return stream;
    }

    /// <summary>Deletes the oldest files beyond the number kept (never the one being written).</summary>
    private void Retain()
    {
        var files = AuditFiles.OldestFirst(options.Folder);
        foreach (var old in files.Take(files.Count - options.KeepFiles))
            if (old != file?.Name) File.Delete(old);
    }

    private void Close()
    {
        if (file is null) return;
        try
        {
            file.Flush(flushToDisk: true);
        }
        finally
        {
            file.Dispose();
            file = null;
        }
    }

    /// <summary>Drops a file that failed: the next batch starts a new one.</summary>
    private void Abandon()
    {
        try
        {
            file?.Dispose();
        }
        catch (IOException)
        {
            // Its buffered bytes are lost with it; their appends already failed.
        }
        file = null;
    }

    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await writer.ConfigureAwait(false);
    }

    private sealed record Pending(AuditEntry Entry, TaskCompletionSource Written);

    [LoggerMessage(Level = LogLevel.Error, Message = "Writing {Count} audit entries failed; their requests were answered without them")]
    private partial void LogWriteFailed(Exception e, int count);
}
