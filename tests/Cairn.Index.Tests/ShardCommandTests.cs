using Cairn.Core.Blobs;
using Cairn.Core.Errors;
using Cairn.Index.Apply;
using Cairn.Index.Commands;
using Cairn.Index.Objects;
using Cairn.Index.Records;
using Cairn.Index.Shards;

namespace Cairn.Index.Tests;

/// <summary>The shard as a state machine: commands decide outcomes where the state is, and replay to the same state.</summary>
public sealed class ShardCommandTests
{
    private static BlobLayout Blob(string id) => new() { BlobId = id, Length = 10, Drives = ["d0"] };

    [Fact]
    public async Task Two_issuers_racing_200_overwrites_leave_one_version_and_free_every_other_blob()
    {
        await using var index = new IndexFixture();
        await index.Buckets.CreateAsync("race", "o", "r");
        var (second, _) = index.SecondIssuer();
        var issuers = new[] { index.Objects, second };
        await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(() =>
            issuers[i % 2].PutAsync("race", "k", IndexFixture.Draft(10, Blob($"blob{i:D3}"))))));

        var versions = await index.Objects.VersionsAsync("race", "k");
        var survivor = Assert.Single(versions).Blob!.BlobId;
        Assert.Equal([survivor], (await index.Bookkeeping.ReferencesAsync().ToListAsync()).Select(r => r.Layout!.BlobId));
        var freed = (await index.Bookkeeping.QueuedFreesAsync()).Select(f => f.Blob.BlobId).ToList();
        Assert.Equal(199, freed.Count);
        Assert.Equal(Enumerable.Range(0, 200).Select(i => $"blob{i:D3}").Except([survivor]).Order(), freed.Order());
    }

    [Fact]
    public async Task Sequences_keep_increasing_when_the_clock_steps_back_and_across_restarts()
    {
        await using var index = new IndexFixture();
        await index.Buckets.CreateAsync("seq", "o", "r");
        await index.Buckets.PutVersioningAsync("seq", VersioningState.Enabled);
        var now = DateTimeOffset.UtcNow;
        var first = await index.Shard.ExecuteAsync(new PutVersion("seq", "k", IndexFixture.Draft(), VersionIds.NewNonce()) { At = now });
        // Another node, or this one after its clock stepped back an hour, in the same millisecond twice.
        var back = await index.Shard.ExecuteAsync(new PutVersion("seq", "k", IndexFixture.Draft(), VersionIds.NewNonce()) { At = now.AddHours(-1) });
        var same = await index.Shard.ExecuteAsync(new PutVersion("seq", "k", IndexFixture.Draft(), VersionIds.NewNonce()) { At = now.AddHours(-1) });
        await index.ReopenAsync();
        var afterRestart = await index.Shard.ExecuteAsync(new PutVersion("seq", "k", IndexFixture.Draft(), VersionIds.NewNonce()) { At = now.AddHours(-2) });
        long[] sequences = [first.Sequence, back.Sequence, same.Sequence, afterRestart.Sequence];
        Assert.Equal(sequences.Order(), sequences);
        Assert.Equal(4, sequences.Distinct().Count());
        Assert.Equal(afterRestart.VersionId, (await index.Objects.GetCurrentAsync("seq", "k"))!.VersionId);
        Assert.Equal([afterRestart.VersionId, same.VersionId, back.VersionId, first.VersionId], (await index.Objects.VersionsAsync("seq", "k")).Select(v => v.VersionId));
    }

    [Fact]
    public async Task A_command_log_replayed_on_another_shard_gives_the_same_state_and_results()
    {
        var at = DateTimeOffset.UtcNow;
        IndexCommand[] log =
        [
            new CreateBucket("rep", "o", "r") { At = at },
            new PutVersion("rep", "k", IndexFixture.Draft(10, Blob("r1")), "00000000000000a1") { At = at },
            new PutBucketVersioning("rep", VersioningState.Enabled) { At = at.AddMilliseconds(1) },
            new PutVersion("rep", "k", IndexFixture.Draft(10, Blob("r2")), "00000000000000a2") { At = at.AddMilliseconds(2), Condition = new ObjectCondition { IfMatch = "\"e\"" } },
            new PutVersion("rep", "k", IndexFixture.Draft(10, Blob("r3")), "00000000000000a3") { At = at.AddMilliseconds(2), Condition = new ObjectCondition { IfNoneMatchAny = true } },
            new DeleteObject("rep", "k", "00000000000000a4") { At = at.AddMilliseconds(3) },
            new CreateUpload("rep", "m", new UploadRecord { UploadId = "", Key = "m", Initiated = at }, "00000000000000a5") { At = at.AddMilliseconds(4) },
            new ReplaceTags("rep", "k", null, new() { ["t"] = "v" }) { At = at.AddMilliseconds(5) },
            new DeleteVersion("rep", "k", "null") { At = at.AddMilliseconds(6) },
            new DeleteBucket("rep") { At = at.AddMilliseconds(7) },
        ];
        var first = await ReplayAsync(log, viaBytes: false);
        var second = await ReplayAsync(log, viaBytes: true);
        Assert.Equal(first.Results, second.Results);
        Assert.Equal(first.State, second.State);
        // The replay saw the refusals too: If-None-Match on an existing key, tags on a delete marker, a bucket not empty.
        Assert.Equal(3, first.Results.Count(r => r.StartsWith("error:", StringComparison.Ordinal)));
    }

    internal static async Task<(List<string> Results, List<string> State)> ReplayAsync(IndexCommand[] log, bool viaBytes)
    {
        await using var index = new IndexFixture();
        var results = new List<string>();
        foreach (var original in log)
        {
            var command = viaBytes ? CommandCodec.Decode(CommandCodec.Encode(original)) : original;
            try { results.Add(System.Text.Json.JsonSerializer.Serialize(await ExecuteAsync(index.Shard, command))); }
            catch (S3Exception e) { results.Add("error:" + e.Code.Code); }
        }
        using var snapshot = index.Shard.OpenSnapshot();
        var state = snapshot.Scan([0], [0xFF]).Select(e => Convert.ToHexString(e.Key) + "=" + Convert.ToHexString(e.Value)).ToList();
        return (results, state);
    }

    /// <summary>Executes a command whose result type is only known at run time, as a log replayer would.</summary>
    private static async Task<object?> ExecuteAsync(IIndexShard shard, IndexCommand command)
    {
        var resultType = command.GetType().BaseType!.GetGenericArguments()[0];
        var execute = typeof(IIndexShard).GetMethod(nameof(IIndexShard.ExecuteAsync))!.MakeGenericMethod(resultType);
        var task = (Task)execute.Invoke(shard, [command, CancellationToken.None])!;
        await task;
        return task.GetType().GetProperty("Result")!.GetValue(task);
    }
}
