namespace Cairn.Cli.Bench;

/// <summary>
/// One `cairn bench` run: bucket, the working set (untimed), then PUT, GET (of the working set) and
/// DELETE phases of the same duration, then cleanup (leftover keys, and the bucket if this run created it).
/// </summary>
public static class BenchRun
{
    public static async Task<int> RunAsync(BenchSettings settings, Credentials credentials, CancellationToken cancellationToken)
    {
        MemoryProbe? probe;
        try
        {
            probe = settings.MemoryProbePid is { } pid ? MemoryProbe.Start(pid) : null;
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"cairn bench: --memory-probe: {e.Message}");
            return 2;
        }
        await using var _ = probe;

        var runId = Guid.NewGuid().ToString("N")[..8];
        var bucket = settings.Bucket ?? $"cairn-bench-{runId}";
        using IBenchStore s3 = settings.Client == BenchSettings.SdkClient ? new SdkBenchStore(settings, credentials) : new HttpBenchStore(settings, credentials);
        bool created;
        try
        {
            created = await s3.CreateBucketAsync(bucket, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Console.Error.WriteLine($"cairn bench: cannot create bucket {bucket} at {settings.Endpoint}: {PhaseRunner.Describe(e)}");
            return 2;
        }

        var workload = new S3Workload(s3, bucket, settings.Size, settings.Concurrency, settings.WorkingSetObjects, $"bench-{runId}");
        var progress = PhaseProgress.For(settings.Json);
        var phases = new List<PhaseResult>();
        try
        {
            if (!await PutWorkingSetAsync()) return 2;
            phases.Add(await RunPhaseAsync("PUT", workload.PutAsync));
            workload.Keys.Seal();
            phases.Add(await RunPhaseAsync("GET", workload.GetAsync) with { DistinctKeysRead = workload.DistinctKeysRead });
            phases.Add(await RunPhaseAsync("DELETE", workload.DeleteAsync));
        }
        finally
        {
            await CleanUpAsync(s3, workload, bucket, created, settings.Concurrency);
        }

        var memory = probe is null ? null : new MemoryReport(probe.Pid, probe.Samples, probe.MaxRssBytes, probe.PeakRssBytes);
        var result = new BenchResult(settings, bucket, phases, memory);
        BenchReport.Write(result, settings.Json, terminal: !Console.IsOutputRedirected);
        return result.TotalErrors == 0 ? 0 : 1;

        // Untimed, progress on stderr (stdout stays the report's): every object must be stored, or the GET phase would measure errors.
        async Task<bool> PutWorkingSetAsync()
        {
            var total = $"{settings.WorkingSetObjects} × {ByteSize.Format(settings.Size)} = {ByteSize.Format(settings.WorkingSetBytes)}";
            Console.Error.WriteLine($"working set: putting {total} (untimed)…");
            var counters = new PhaseCounters();
            var putting = PhaseRunner.RunAsync(settings.Concurrency, Timeout.InfiniteTimeSpan, workload.PutWorkingSetAsync, counters, cancellationToken);
            while (await Task.WhenAny(putting, Task.Delay(TimeSpan.FromSeconds(5))) != putting)
                Console.Error.WriteLine($"working set: {counters.Ops} of {settings.WorkingSetObjects} objects put…");
            var (elapsed, _) = await putting;
            cancellationToken.ThrowIfCancellationRequested();
            if (counters.Errors > 0)
            {
                Console.Error.WriteLine($"cairn bench: {counters.Errors} of {settings.WorkingSetObjects} working-set PUTs failed, first: {counters.FirstError}");
                return false;
            }
            Console.Error.WriteLine($"working set: {total} put in {elapsed.TotalSeconds:0.0}s");
            return true;
        }

        async Task<PhaseResult> RunPhaseAsync(string name, BenchOperation operation)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var counters = new PhaseCounters();
            probe?.BeginPhase();
            var (elapsed, latency) = await progress.ShowAsync(name, settings.Duration, counters,
                () => PhaseRunner.RunAsync(settings.Concurrency, settings.Duration, operation, counters, cancellationToken));
            var rss = probe?.EndPhase();
            return new PhaseResult(name, counters.Ops, counters.Bytes, counters.Errors, elapsed, latency, counters.FirstError, rss);
        }
    }

    private static async Task CleanUpAsync(IBenchStore s3, S3Workload workload, string bucket, bool created, int concurrency)
    {
        workload.Keys.Seal();
        var failures = await workload.DeleteLeftoversAsync(concurrency);
        if (failures > 0) Console.Error.WriteLine($"cairn bench: {failures} objects could not be deleted from {bucket}");
        if (!created) return;
        try
        {
            await s3.DeleteBucketAsync(bucket, CancellationToken.None);
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"cairn bench: could not delete bucket {bucket}: {PhaseRunner.Describe(e)}");
        }
    }
}
