using System.Globalization;

namespace Cairn.Transport;

/// <summary>
/// The version of the node-to-node protocols a node speaks — every HTTP/2 call on the cluster port and the preface of
/// every Raft connection (<c>CAIRN-RAFT/{version}</c>) — and the versions it understands, <see cref="Oldest"/> to
/// <see cref="Newest"/>. Two nodes talk when each understands the version the other speaks (<see cref="CanTalkTo"/>); a
/// node answers a call in the version the call was made in. So that any two consecutive releases talk during a
/// rolling upgrade, a release that brings version V+1 first only understands it (it still speaks V), and only the
/// release after it speaks V+1 (docs/cluster.md, "Versions and upgrades").
/// </summary>
public sealed record WireVersion
{
    /// <summary>The version this release speaks.</summary>
    public const int ThisRelease = 1;

    /// <summary>The oldest version this release understands.</summary>
    public const int OldestUnderstood = 1;

    /// <summary>Request header: the version the caller speaks.</summary>
    public const string VersionHeader = "cairn-wire";

    /// <summary>Request header: the versions the caller understands, <c>OLDEST-NEWEST</c>.</summary>
    public const string AcceptsHeader = "cairn-wire-accepts";

    /// <summary>Request header: the calling node's id, so that a refusal names it (not part of any check).</summary>
    public const string NodeHeader = "cairn-node";

    /// <summary>
    /// For tests only: <c>N</c> (speak and understand N only) or <c>N:OLDEST-NEWEST</c> makes this process play another
    /// release's wire without building one.
    /// </summary>
    public const string OverrideVariable = "CAIRN_WIRE_VERSION_OVERRIDE";

    /// <summary>This release's wire.</summary>
    public static WireVersion Release { get; } = new(ThisRelease, OldestUnderstood, ThisRelease);

    /// <summary>
    /// What a call without a version header is taken to speak and understand: releases from before wire versions were
    /// sent spoke 1 and understood 1 only.
    /// </summary>
    public static WireVersion Unversioned { get; } = new(1, 1, 1);

    public WireVersion(int speaks, int oldest, int newest)
    {
        if (oldest < 1 || oldest > speaks || speaks > newest)
            throw new ArgumentException($"A wire version must speak a version it understands, from 1 on: {speaks} with {oldest}-{newest} does not.");
        (Speaks, Oldest, Newest) = (speaks, oldest, newest);
    }

    /// <summary>The version this node sends: its calls and Raft prefaces are in it.</summary>
    public int Speaks { get; }

    /// <summary>The oldest version this node accepts from a peer.</summary>
    public int Oldest { get; }

    /// <summary>The newest version this node accepts from a peer.</summary>
    public int Newest { get; }

    public bool Understands(int version) => version >= Oldest && version <= Newest;

    /// <summary>Each side understands what the other speaks: calls either way are understood.</summary>
    public bool CanTalkTo(WireVersion peer) => Understands(peer.Speaks) && peer.Understands(Speaks);

    /// <summary>The value of <see cref="AcceptsHeader"/>.</summary>
    public string AcceptsText => string.Create(CultureInfo.InvariantCulture, $"{Oldest}-{Newest}");

    /// <summary>"wire 1 only" or "wire 1 to 2".</summary>
    public string UnderstandsText => Oldest == Newest
        ? string.Create(CultureInfo.InvariantCulture, $"wire {Oldest} only")
        : string.Create(CultureInfo.InvariantCulture, $"wire {Oldest} to {Newest}");

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"cairn wire {Speaks} (understands {UnderstandsText})");

    /// <summary>Reads <c>N</c> (N, understanding N only) or <c>N:OLDEST-NEWEST</c>.</summary>
    public static bool TryParse(string? text, out WireVersion version)
    {
        version = Release;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var parts = text.Trim().Split(':');
        if (parts.Length > 2 || !TryParseNumber(parts[0], out var speaks)) return false;
        var (oldest, newest) = (speaks, speaks);
        if (parts.Length == 2 && !TryParseRange(parts[1], out oldest, out newest)) return false;
        if (oldest < 1 || oldest > speaks || speaks > newest) return false;
        version = new WireVersion(speaks, oldest, newest);
        return true;
    }

    /// <summary>
    /// The wire of this process: <see cref="Release"/>, unless <see cref="OverrideVariable"/> (tests only) says otherwise;
    /// a value that is not a wire version is refused with an <see cref="ArgumentException"/>.
    /// </summary>
    public static WireVersion FromOverride(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return Release;
        return TryParse(value, out var version)
            ? version
            : throw new ArgumentException($"{OverrideVariable}='{value}' is not a wire version: N or N:OLDEST-NEWEST with OLDEST <= N <= NEWEST (for tests only).");
    }

    /// <summary>
    /// The wire a peer declares in its request headers. No version header: <see cref="Unversioned"/> (an earlier
    /// release). A version without a range understands only itself. False when a header is present but unreadable.
    /// </summary>
    public static bool TryFromHeaders(string? speaks, string? accepts, out WireVersion peer)
    {
        peer = Unversioned;
        if (string.IsNullOrEmpty(speaks)) return string.IsNullOrEmpty(accepts);
        if (!TryParseNumber(speaks, out var version)) return false;
        var (oldest, newest) = (version, version);
        if (!string.IsNullOrEmpty(accepts) && !TryParseRange(accepts, out oldest, out newest)) return false;
        if (oldest < 1 || oldest > version || version > newest) return false;
        peer = new WireVersion(version, oldest, newest);
        return true;
    }

    private static bool TryParseRange(string text, out int oldest, out int newest)
    {
        newest = 0;
        oldest = 0;
        return text.Split('-') is [var low, var high] && TryParseNumber(low, out oldest) && TryParseNumber(high, out newest);
    }

    internal static bool TryParseNumber(ReadOnlySpan<char> text, out int number) =>
        int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out number) && number is > 0 and < 1_000_000;
}
