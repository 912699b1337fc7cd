using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cairn.Consensus;

/// <summary>
/// DotNext's logging, quieted: its categories pass only warnings and errors, each on one line (a heartbeat
/// to a dead peer otherwise logs a full stack trace every time); other categories pass through unchanged.
/// </summary>
public sealed class RaftLogFilter(ILoggerFactory inner) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) =>
        categoryName.StartsWith("DotNext", StringComparison.Ordinal) ? new OneLineWarnings(inner.CreateLogger(categoryName)) : inner.CreateLogger(categoryName);

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    public void Dispose()
    {
        // The inner factory belongs to whoever made it.
    }

    /// <summary>A factory that logs nothing: the default for replicas started without logging.</summary>
    public static ILoggerFactory Silent { get; } = NullLoggerFactory.Instance;

    private const int MemberUnavailable = 74010;
    private const int MemberTooFarBehind = 74044;

    private sealed class OneLineWarnings(ILogger inner) : ILogger
    {
        private readonly OncePerSecond unavailableLog = new();
        private readonly OncePerSecond behindLog = new();

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning && inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            // "Member unavailable" repeats for every message to a dead peer (hundreds a second): once a second is enough.
            if (eventId.Id == MemberUnavailable && !unavailableLog.TryTake()) return;
            // So does "too far behind the leader" while a member is cut off (ten to twenty a second per group).
            if (eventId.Id == MemberTooFarBehind && !behindLog.TryTake()) return;
            inner.Log(logLevel, eventId, state, null,
                (s, _) => exception is null ? formatter(s, null) : $"{formatter(s, null)} ({exception.GetType().Name}: {exception.Message})");
        }
    }
}

/// <summary>Lets one call through per second.</summary>
internal sealed class OncePerSecond
{
    private long next;

    public bool TryTake()
    {
        var now = Environment.TickCount64;
        var due = Interlocked.Read(ref next);
        return now >= due && Interlocked.CompareExchange(ref next, now + 1000, due) == due;
    }
}
