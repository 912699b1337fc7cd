using System.Security.Cryptography;
using Cairn.Core.Errors;

namespace Cairn.Fuzz.Tests.Engine;

/// <summary>What a fuzz run saw: how the inputs ended, and every input that broke the property.</summary>
public sealed record FuzzReport(string Target, int Seed, int Inputs, int Accepted, IReadOnlyDictionary<string, int> Refusals,
    IReadOnlyList<string> Failures)
{
    public string Summary =>
        $"{Target}: seed {Seed}, {Inputs} inputs, {Accepted} accepted, refused: "
        + string.Join(", ", Refusals.OrderByDescending(r => r.Value).Select(r => $"{r.Key} {r.Value}"));
}

/// <summary>
/// Replays a target's corpus, then feeds it mutated seeds. The property: the parser returns, or throws an
/// <see cref="S3Exception"/> whose status is below 500 (or 501 NotImplemented, S3's word for a feature not served);
/// never another exception type, never a 5xx, and never runs past the timeout. An input that breaks it is written
/// under the temporary directory (cairn-fuzz-findings/{target}/) and named in the report.
/// </summary>
public static class Fuzzer
{
    private const int MaxFailuresReported = 5;

    public static async Task<FuzzReport> RunAsync(FuzzTarget target, FuzzSettings settings)
    {
        var seeds = Corpus.Load(target.Name);
        var corpus = seeds.Select(s => s.Data).ToList();
        var random = new Random(settings.Seed);
        var mutator = new Mutator(random, target.Tokens, target.MaxLength);
        var failures = new List<string>();
        var refusals = new Dictionary<string, int>();
        int inputs = 0, failed = 0;

        async Task Try(byte[] input, string origin)
        {
            inputs++;
            var problem = await JudgeAsync(target, input, settings.Timeout, refusals);
            if (problem is null) return;
            failed++;
            if (failures.Count < MaxFailuresReported) failures.Add($"{origin}: {problem}\n  input saved as {Save(target, input)}");
        }

        foreach (var (name, data) in seeds) await Try(data, "seed " + name);
        for (int i = 0; i < settings.Iterations; i++)
        {
            var seed = corpus[random.Next(corpus.Count)];
            var input = (random.Next(2) == 0 ? target.MutateStructure(seed, random) : null) ?? mutator.Mutate(seed, corpus);
            await Try(input, $"iteration {i}");
        }
        // Whatever was neither refused nor a failure was accepted.
        int accepted = inputs - refusals.Values.Sum() - failed;
        if (failed > failures.Count) failures.Add($"... and {failed - failures.Count} more");
        return new FuzzReport(target.Name, settings.Seed, inputs, accepted, refusals, failures);
    }

    /// <summary>Null when the property holds for this input; otherwise what went wrong.</summary>
    private static async Task<string?> JudgeAsync(FuzzTarget target, byte[] input, TimeSpan timeout, Dictionary<string, int> refusals)
    {
        // On the thread pool, so a parser that spins forever is caught by the timeout instead of stalling the run.
        var run = Task.Run(() => target.RunAsync(input));
        try
        {
            await run.WaitAsync(timeout);
            return null;
        }
        catch (TimeoutException)
        {
            return $"no answer after {timeout.TotalSeconds:0} s (a hang)";
        }
        catch (S3Exception e) when (e.Code.Status < 500 || e.Code == S3ErrorCode.NotImplemented)
        {
            refusals[e.Code.Code] = refusals.GetValueOrDefault(e.Code.Code) + 1;
            return null;
        }
        catch (Exception e)
        {
            return e is S3Exception s3 ? $"S3 error {s3.Code.Code} ({s3.Code.Status}): {e}" : e.ToString();
        }
    }

    private static string Save(FuzzTarget target, byte[] input)
    {
        var directory = Path.Combine(Path.GetTempPath(), "cairn-fuzz-findings", target.Name);
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, Convert.ToHexStringLower(SHA256.HashData(input))[..16] + ".bin");
        File.WriteAllBytes(path, input);
        return path;
    }
}
