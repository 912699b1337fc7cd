using BenchmarkDotNet.Running;
using Cairn.Erasure;
using Cairn.Erasure.Benchmarks;

if (args.Contains("--verify"))
{
    // Cross-check: every path's parity and reconstruction equal ISA-L's bytes.
    foreach (var code in new[] { "4+2", "8+4", "12+4" })
    {
        var isal = new ErasureBenchmarks { Code = code, Impl = Impl.IsaL };
        isal.Setup();
        isal.Encode();
        var reference = isal.Snapshot();
        isal.Reconstruct2();
        var rebuilt = isal.Snapshot();
        if (!reference.AsSpan().SequenceEqual(rebuilt)) throw new Exception($"{code}: ISA-L reconstruct differs from its encode");
        foreach (var path in ErasureCodecs.SupportedPaths)
        {
            var b = new ErasureBenchmarks { Code = code, Impl = (Impl)(int)path };
            b.Setup();
            b.Encode();
            bool encodeOk = b.Snapshot().AsSpan().SequenceEqual(reference);
            b.Scribble();
            b.Reconstruct2();
            bool decodeOk = b.Snapshot().AsSpan().SequenceEqual(reference);
            Console.WriteLine($"{code} {path}: encode {(encodeOk ? "= ISA-L" : "DIFFERS")}, reconstruct-2 {(decodeOk ? "ok" : "DIFFERS")}");
            if (!encodeOk || !decodeOk) return 1;
        }
    }
    return 0;
}

BenchmarkSwitcher.FromAssembly(typeof(ErasureBenchmarks).Assembly).Run(args);
return 0;
