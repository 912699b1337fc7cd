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

if (args.Contains("--quick"))
{
    // Round-robin timing (best of N rounds per case), robust to a noisy shared machine; for tuning only.
    int rounds = 15;
    foreach (var code in new[] { "4+2", "8+4", "12+4" })
    {
        var cases = Enum.GetValues<Impl>().Where(i => i == Impl.IsaL || ErasureCodecs.IsSupported((CodecPath)(int)i))
            .Select(i => { var b = new ErasureBenchmarks { Code = code, Impl = i }; b.Setup(); return b; }).ToArray();
        var bestEnc = new double[cases.Length]; var bestDec = new double[cases.Length];
        Array.Fill(bestEnc, double.MaxValue); Array.Fill(bestDec, double.MaxValue);
        for (int r = 0; r < rounds; r++)
            for (int c = 0; c < cases.Length; c++)
            {
                int reps = cases[c].Impl == Impl.Portable ? 3 : 30;
                var sw = System.Diagnostics.Stopwatch.StartNew();
                for (int i = 0; i < reps; i++) cases[c].Encode();
                bestEnc[c] = Math.Min(bestEnc[c], sw.Elapsed.TotalNanoseconds / reps);
                sw.Restart();
                for (int i = 0; i < reps; i++) cases[c].Reconstruct2();
                bestDec[c] = Math.Min(bestDec[c], sw.Elapsed.TotalNanoseconds / reps);
            }
        double bytes = ErasureBenchmarks.DataBytes(code);
        for (int c = 0; c < cases.Length; c++)
            Console.WriteLine($"{code,-5} {cases[c].Impl,-9} encode {bytes / bestEnc[c],6:0.00} GB/s   reconstruct-2 {bytes / bestDec[c],6:0.00} GB/s");
    }
    return 0;
}

BenchmarkSwitcher.FromAssembly(typeof(ErasureBenchmarks).Assembly).Run(args);
return 0;
