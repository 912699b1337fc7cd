using System.Text;

namespace Cairn.Fuzz.Tests.Engine;

/// <summary>
/// One parser a client reaches, fed raw bytes. <see cref="RunAsync"/> parses the input as the server would and lets
/// whatever the parser throws escape: <see cref="Fuzzer"/> judges it. Seeds live in tests/fuzz/corpora/{Name}/.
/// </summary>
public abstract class FuzzTarget
{
    public abstract string Name { get; }

    /// <summary>Words of the format (element names, header names, separators) the mutator splices in.</summary>
    protected virtual IEnumerable<string> Words => [];

    public IReadOnlyList<byte[]> Tokens => [.. Words.Select(Encoding.UTF8.GetBytes)];

    /// <summary>Inputs are cut to this length: the bodies these parsers read are small, and runs stay fast.</summary>
    public virtual int MaxLength => 64 * 1024;

    public abstract Task RunAsync(byte[] input);

    /// <summary>
    /// A mutation that keeps the input well-formed (an element's text changed, an element repeated or dropped), so the
    /// code behind the syntax is reached too; null when the target has none or the seed does not parse.
    /// </summary>
    public virtual byte[]? MutateStructure(byte[] seed, Random random) => null;

    public override string ToString() => Name;
}
