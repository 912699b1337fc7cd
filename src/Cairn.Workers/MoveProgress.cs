namespace Cairn.Workers;

/// <summary>
/// How the mover's current (or last) pass goes, for `cairn admin cluster`: its state, the fragments it planned, moved,
/// failed and skipped (moved or repaired by something else meanwhile), the bytes copied, the rate achieved and the limit.
/// </summary>
/// <param name="State">idle, planning or moving.</param>
/// <param name="Stopped">Why the last pass ended early (ownership moved), else null.</param>
public sealed record MoveReport(string State, long FragmentsPlanned, long FragmentsMoved, long FragmentsFailed, long FragmentsSkipped, long BytesMoved,
    double BytesPerSecond, long RateLimitBytesPerSecond, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, string? Stopped);

/// <summary>
/// The mover's running figures; updated by its one pass at a time, read by the admin API at any moment. A pass that finds
/// nothing to move leaves the figures of the last one that did.
/// </summary>
public sealed class MoveProgress(long rateLimit, TimeProvider time)
{
    private readonly object gate = new();
    private MoveReport report = new("idle", 0, 0, 0, 0, 0, 0, rateLimit, null, null, null);
    private long movingSince;

    public MoveReport Report()
    {
        lock (gate)
        {
            if (report.State != "moving") return report;
            var seconds = time.GetElapsedTime(movingSince).TotalSeconds;
            return report with { BytesPerSecond = seconds > 0 ? report.BytesMoved / seconds : 0 };
        }
    }

    public void Planning() => Update(r => r with { State = "planning" });

    public void Moving(long fragmentsPlanned)
    {
        lock (gate)
        {
            movingSince = time.GetTimestamp();
            report = new MoveReport("moving", fragmentsPlanned, 0, 0, 0, 0, 0, rateLimit, time.GetUtcNow(), null, null);
        }
    }

    public void NothingToMove() => Update(r => r with { State = "idle" });

    public void Moved(long fragments, long bytes) => Update(r => r with { FragmentsMoved = r.FragmentsMoved + fragments, BytesMoved = r.BytesMoved + bytes });

    public void Failed(long fragments) => Update(r => r with { FragmentsFailed = r.FragmentsFailed + fragments });

    public void Skipped(long fragments) => Update(r => r with { FragmentsSkipped = r.FragmentsSkipped + fragments });

    /// <summary>The pass ended; its figures stay on show until the next one starts.</summary>
    public void Idle(string? stopped = null)
    {
        lock (gate)
        {
            var seconds = report.State == "moving" ? time.GetElapsedTime(movingSince).TotalSeconds : 0;
            report = report with
            {
                State = "idle", FinishedAt = time.GetUtcNow(), Stopped = stopped,
                BytesPerSecond = seconds > 0 ? report.BytesMoved / seconds : report.BytesPerSecond,
            };
        }
    }

    private void Update(Func<MoveReport, MoveReport> change)
    {
        lock (gate) report = change(report);
    }
}
