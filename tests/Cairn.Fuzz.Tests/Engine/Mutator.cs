using System.Text;

namespace Cairn.Fuzz.Tests.Engine;

/// <summary>
/// Derives hostile inputs from well-formed seeds: byte flips, boundary bytes, truncations, deletions,
/// duplications, splices with another seed, and insertions of the target's own tokens and of numbers at
/// the edges of every integer type. Everything comes from one seeded <see cref="Random"/>, so a run is
/// reproducible from (seed, iteration).
/// </summary>
public sealed class Mutator(Random random, IReadOnlyList<byte[]> tokens, int maxLength)
{
    // Bytes every text parser has an opinion about.
    private static readonly byte[] BoundaryBytes =
        [0x00, 0x01, 0x09, 0x0A, 0x0D, 0x20, 0x22, 0x25, 0x26, 0x27, 0x2B, 0x2C, 0x2D, 0x2F, 0x3A, 0x3B, 0x3C, 0x3D, 0x3E, 0x3F,
         0x5B, 0x5C, 0x5D, 0x7B, 0x7D, 0x7F, 0x80, 0xBF, 0xC0, 0xEF, 0xFE, 0xFF];

    private static readonly byte[][] Numbers = [.. new[]
    {
        "0", "-0", "-1", "1", "00000000000000000001", "127", "128", "255", "256", "32767", "32768", "65535", "65536",
        "2147483647", "2147483648", "-2147483648", "-2147483649", "4294967295", "4294967296",
        "9223372036854775807", "9223372036854775808", "-9223372036854775808", "18446744073709551616",
        "ffffffffffffffff", "7fffffffffffffff", "FFFFFFFFFFFFFFFFFFFF", "1e309", "NaN", "0x10", "+5", " 5", "5 ",
        "99991231T235959Z", "00010101T000000Z", "9999-12-31T23:59:59Z", "0001-01-01", "Fri, 31 Dec 9999 23:59:59 GMT",
    }.Select(Encoding.ASCII.GetBytes)];

    public byte[] Mutate(byte[] seed, IReadOnlyList<byte[]> corpus)
    {
        var data = new List<byte>(seed);
        int steps = 1 + random.Next(4);
        for (int i = 0; i < steps; i++) Apply(data, corpus);
        if (data.Count > maxLength) data.RemoveRange(maxLength, data.Count - maxLength);
        return [.. data];
    }

    private void Apply(List<byte> data, IReadOnlyList<byte[]> corpus)
    {
        switch (random.Next(12))
        {
            case 0 when data.Count > 0: // flip one bit
                int bit = random.Next(data.Count * 8);
                data[bit / 8] ^= (byte)(1 << (bit % 8));
                break;
            case 1 when data.Count > 0: // overwrite a byte with one parsers care about
                data[random.Next(data.Count)] = BoundaryBytes[random.Next(BoundaryBytes.Length)];
                break;
            case 2: // insert a boundary byte
                data.Insert(random.Next(data.Count + 1), BoundaryBytes[random.Next(BoundaryBytes.Length)]);
                break;
            case 3 when data.Count > 0: // truncate
            {
                int keep = random.Next(data.Count);
                data.RemoveRange(keep, data.Count - keep);
                break;
            }
            case 4 when data.Count > 1: // delete a range
            {
                int at = random.Next(data.Count);
                data.RemoveRange(at, random.Next(Math.Min(64, data.Count - at)) + 1);
                break;
            }
            case 5 when data.Count > 1: // duplicate a range in place (repeated elements, headers, chunks)
            {
                int at = random.Next(data.Count);
                int length = 1 + random.Next(Math.Min(256, data.Count - at));
                var copy = data.GetRange(at, length);
                int times = 1 + random.Next(random.Next(8) == 0 ? 64 : 3);
                for (int t = 0; t < times && data.Count + length <= maxLength; t++) data.InsertRange(at, copy);
                break;
            }
            case 6 when corpus.Count > 0: // splice: our head, another seed's tail
            {
                var other = corpus[random.Next(corpus.Count)];
                int cut = random.Next(data.Count + 1);
                int from = random.Next(other.Length + 1);
                data.RemoveRange(cut, data.Count - cut);
                data.AddRange(other.AsSpan(from).ToArray());
                break;
            }
            case 7 when tokens.Count > 0: // insert a token of the format
                data.InsertRange(random.Next(data.Count + 1), tokens[random.Next(tokens.Count)]);
                break;
            case 8 when tokens.Count > 0: // replace an occurrence of one token with another
                ReplaceToken(data);
                break;
            case 9: // replace a run of digits (or any short run) with an edge number
                ReplaceNumber(data);
                break;
            case 10 when data.Count > 0: // swap two bytes
            {
                int a = random.Next(data.Count), b = random.Next(data.Count);
                (data[a], data[b]) = (data[b], data[a]);
                break;
            }
            default: // random byte
                if (data.Count > 0) data[random.Next(data.Count)] = (byte)random.Next(256);
                else data.Add((byte)random.Next(256));
                break;
        }
    }

    private void ReplaceToken(List<byte> data)
    {
        var from = tokens[random.Next(tokens.Count)];
        var to = tokens[random.Next(tokens.Count)];
        int at = IndexOf(data, from, random.Next(data.Count + 1));
        if (at < 0) at = IndexOf(data, from, 0);
        if (at < 0)
        {
            data.InsertRange(random.Next(data.Count + 1), to);
            return;
        }
        data.RemoveRange(at, from.Length);
        data.InsertRange(at, to);
    }

    private void ReplaceNumber(List<byte> data)
    {
        var number = Numbers[random.Next(Numbers.Length)];
        int start = data.Count == 0 ? 0 : random.Next(data.Count);
        int digit = data.FindIndex(start, b => b is >= (byte)'0' and <= (byte)'9');
        if (digit < 0)
        {
            data.InsertRange(start, number);
            return;
        }
        int end = digit;
        while (end < data.Count && (data[end] is >= (byte)'0' and <= (byte)'9' || data[end] is >= (byte)'a' and <= (byte)'f')) end++;
        data.RemoveRange(digit, end - digit);
        data.InsertRange(digit, number);
    }

    private static int IndexOf(List<byte> data, byte[] needle, int from)
    {
        if (needle.Length == 0) return -1;
        for (int i = Math.Min(from, data.Count); i + needle.Length <= data.Count; i++)
        {
            int j = 0;
            while (j < needle.Length && data[i + j] == needle[j]) j++;
            if (j == needle.Length) return i;
        }
        return -1;
    }
}
