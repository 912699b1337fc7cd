using System.Net;
using System.Net.Sockets;

namespace Cairn.Policies;

/// <summary>An IPv4 or IPv6 CIDR block as aws:SourceIp conditions write it (a bare address is a /32 or /128).</summary>
public readonly record struct IpRange(IPAddress Network, int PrefixLength)
{
    public static bool TryParse(string text, out IpRange range)
    {
        range = default;
        var slash = text.IndexOf('/');
        var addressText = slash < 0 ? text : text[..slash];
        if (!IPAddress.TryParse(addressText, out var address))
            return false;
        var max = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        var prefix = max;
        if (slash >= 0 && (!int.TryParse(text.AsSpan(slash + 1), System.Globalization.NumberStyles.None, null, out prefix) || prefix > max))
            return false;
        range = new IpRange(address, prefix);
        return true;
    }

    public bool Contains(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6 && Network.AddressFamily == AddressFamily.InterNetwork)
            address = address.MapToIPv4();
        if (address.AddressFamily != Network.AddressFamily)
            return false;

        Span<byte> network = stackalloc byte[16];
        Span<byte> candidate = stackalloc byte[16];
        Network.TryWriteBytes(network, out var length);
        address.TryWriteBytes(candidate, out _);
        var whole = PrefixLength / 8;
        if (!network[..whole].SequenceEqual(candidate[..whole]))
            return false;
        var bits = PrefixLength % 8;
        if (bits == 0 || whole >= length)
            return true;
        var mask = (byte)(0xFF << (8 - bits));
        return (network[whole] & mask) == (candidate[whole] & mask);
    }
}
