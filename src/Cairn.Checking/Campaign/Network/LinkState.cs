namespace Cairn.Checking.Campaign.Network;

/// <summary>What a <see cref="FaultProxy"/> does with the traffic of its link.</summary>
public enum LinkState
{
    /// <summary>Relays both directions, and connects new connections onward.</summary>
    Pass,

    /// <summary>
    /// A partition that drops packets: relays nothing in either direction (the bytes wait, unread, in the kernel's
    /// buffers) and holds new connections without connecting onward, until the link passes again.
    /// </summary>
    Blackhole,
}
