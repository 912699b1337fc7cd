using Cairn.Fuzz.Tests.Engine;
using Cairn.Fuzz.Tests.Targets;
using Xunit.Abstractions;

namespace Cairn.Fuzz.Tests;

/// <summary>
/// Every parser a hostile client reaches, fed its committed corpus and then mutations of it: each must accept the
/// input or refuse it with a 4xx S3 error (501 for what is not served), never throw anything else, never hang.
/// Bounded and deterministic by default (a fixed seed per target); see <see cref="FuzzSettings"/> for longer runs.
/// </summary>
public sealed class ParserFuzzTests(ITestOutputHelper output)
{
    // ~2,000 mutated inputs per target keeps all of them together at a few seconds on a busy 2-core machine.
    private const int Iterations = 2000;

    private static readonly Dictionary<string, FuzzTarget> Targets = ((FuzzTarget[])
    [
        new SigV4RequestTarget(),
        new AwsChunkedTarget(signed: true),
        new AwsChunkedTarget(signed: false),
        new RequestHeadersTarget(),
        new PostFormTarget(),
        new PostPolicyTarget(),
        new BucketPolicyTarget(),
        .. XmlTarget.All(),
    ]).ToDictionary(t => t.Name);

    public static TheoryData<string> TargetNames => [.. Targets.Keys];

    [Theory]
    [MemberData(nameof(TargetNames))]
    public async Task Parser_accepts_or_refuses_with_a_client_error(string target)
    {
        var report = await Fuzzer.RunAsync(Targets[target], FuzzSettings.For(target, Iterations));
        output.WriteLine(report.Summary);
        Assert.True(report.Failures.Count == 0, report.Summary + "\n" + string.Join("\n", report.Failures));
    }

    [Fact]
    public void Every_corpus_directory_has_a_target()
    {
        var directories = Directory.GetDirectories(Corpus.Root).Select(Path.GetFileName).Where(d => d != "http");
        Assert.Empty(directories.Except(Targets.Keys));
    }
}
