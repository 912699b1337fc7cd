using System.Globalization;

namespace Cairn.Fuzz.Tests.Engine;

/// <summary>
/// How long a fuzz run goes. The defaults keep the ordinary test run bounded and deterministic; for a longer hunt:
/// CAIRN_FUZZ_ITERATIONS (mutated inputs per target), CAIRN_FUZZ_SEED (a number, or "random" for a new one, printed
/// so the run can be repeated) and CAIRN_FUZZ_TIMEOUT_SECONDS (longest one input may take before it counts as a hang).
/// </summary>
public sealed record FuzzSettings(int Iterations, int Seed, TimeSpan Timeout, bool SeedFromEnvironment)
{
    public static FuzzSettings For(string target, int defaultIterations)
    {
        int iterations = int.TryParse(Environment.GetEnvironmentVariable("CAIRN_FUZZ_ITERATIONS"), NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n : defaultIterations;
        var seedText = Environment.GetEnvironmentVariable("CAIRN_FUZZ_SEED");
        int seed = seedText switch
        {
            null or "" => StableHash(target),
            "random" => Random.Shared.Next(),
            _ => int.Parse(seedText, CultureInfo.InvariantCulture) ^ StableHash(target),
        };
        var timeout = TimeSpan.FromSeconds(double.TryParse(Environment.GetEnvironmentVariable("CAIRN_FUZZ_TIMEOUT_SECONDS"),
            NumberStyles.Float, CultureInfo.InvariantCulture, out var s) ? s : 20);
        return new FuzzSettings(iterations, seed, timeout, !string.IsNullOrEmpty(seedText));
    }

    /// <summary>FNV-1a: string.GetHashCode differs between processes, and each target needs the same seed every run.</summary>
    private static int StableHash(string text)
    {
        uint hash = 2166136261;
        foreach (var c in text) hash = (hash ^ c) * 16777619;
        return (int)(hash & 0x7FFFFFFF);
    }
}
