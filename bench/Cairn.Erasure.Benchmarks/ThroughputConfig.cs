using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Cairn.Erasure.Benchmarks;

public sealed class ThroughputConfig : ManualConfig
{
    public ThroughputConfig() => AddColumn(new DataThroughputColumn());
}

/// <summary>GB/s (10^9 bytes per second) of stripe data in: k × shard length per operation.</summary>
public sealed class DataThroughputColumn : IColumn
{
    public string Id => "DataGBps";
    public string ColumnName => "GB/s";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => "Data throughput: k × shard bytes per operation / mean time, in 10^9 bytes per second";
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public bool IsAvailable(Summary summary) => true;
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var stats = summary[benchmarkCase]?.ResultStatistics;
        if (stats is null) return "-";
        var code = (string)benchmarkCase.Parameters["Code"];
        return (ErasureBenchmarks.DataBytes(code) / stats.Mean).ToString("0.00");
    }
}
