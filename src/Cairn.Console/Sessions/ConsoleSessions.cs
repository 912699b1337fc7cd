using System.Collections.Concurrent;
using System.Security.Cryptography;
using Amazon.S3;

namespace Cairn.WebConsole.Sessions;

/// <summary>
/// The node's console sessions, in memory: a restart signs everyone out, and each node of a cluster has its own.
/// A session ends when unused for <see cref="ConsoleOptions.SessionIdle"/>, at <see cref="ConsoleOptions.SessionLifetime"/>
/// after sign-in, or at sign-out.
/// </summary>
public sealed class ConsoleSessions(ConsoleOptions options, TimeProvider time, NodeS3Clients clients)
{
    private readonly ConcurrentDictionary<string, ConsoleSession> sessions = new(StringComparer.Ordinal);

    public ConsoleSession Start(ConsoleCredentials credentials, string arn)
    {
        RemoveExpired();
        // 256 random bits: the cookie is the only thing that stands for the secret.
        var id = Base64UrlId(RandomNumberGenerator.GetBytes(32));
        var session = new ConsoleSession(id, credentials, arn, time.GetUtcNow(), clients.Create);
        sessions[id] = session;
        return session;
    }

    /// <summary>The live session with this id, its idle clock restarted; null if there is none or it has expired.</summary>
    public ConsoleSession? Find(string? id)
    {
        if (string.IsNullOrEmpty(id) || !sessions.TryGetValue(id, out var session)) return null;
        var now = time.GetUtcNow();
        if (Expired(session, now))
        {
            End(id);
            return null;
        }
        session.Touch(now);
        return session;
    }

    public void End(string id)
    {
        if (sessions.TryRemove(id, out var session)) session.Dispose();
    }

    private bool Expired(ConsoleSession session, DateTimeOffset now) =>
        now - session.LastSeen >= options.SessionIdle || now - session.Started >= options.SessionLifetime;

    private void RemoveExpired()
    {
        var now = time.GetUtcNow();
        foreach (var (id, session) in sessions)
            if (Expired(session, now)) End(id);
    }

    private static string Base64UrlId(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
