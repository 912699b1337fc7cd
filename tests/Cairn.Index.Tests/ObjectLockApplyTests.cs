using Cairn.Core.Errors;
using Cairn.Index.Commands;
using Cairn.Index.Objects;
using Cairn.Index.Records;

namespace Cairn.Index.Tests;

/// <summary>
/// Object Lock decided at apply, in the shard: every command that would remove a locked version is refused until the
/// retain-until date, as measured by the time the command carries (never the clock of the node applying it).
/// </summary>
public sealed class ObjectLockApplyTests
{
    private static readonly DateTimeOffset T0 = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_version_under_retention_is_refused_to_every_reap_until_the_commands_time_passes_its_date()
    {
        await using var index = new IndexFixture();
        await index.Shard.ExecuteAsync(new CreateBucket("locked", "o", "r") { At = T0, ObjectLockEnabled = true });
        var governed = await PutAsync(index, "g", T0, new ObjectRetention(RetentionMode.Governance, T0.AddDays(1)));
        var compliant = await PutAsync(index, "c", T0, new ObjectRetention(RetentionMode.Compliance, T0.AddDays(1)));

        // Hours later, by the command's time (the test machine's clock is years before T0): still locked.
        var later = T0.AddHours(5);
        await AssertProtectedAsync(index, new DeleteVersion("locked", "g", governed.VersionId) { At = later });
        await AssertProtectedAsync(index, new DeleteVersion("locked", "c", compliant.VersionId) { At = later, BypassGovernance = true });
        await AssertProtectedAsync(index, new DeleteVersion("locked", "c", compliant.VersionId) { At = later, Reason = "lifecycle" });
        await AssertProtectedAsync(index, new PutObjectRetention("locked", "c", compliant.VersionId, new ObjectRetention(RetentionMode.Compliance, T0.AddHours(6)))
        {
            At = later,
        });
        Assert.Equal(2, (await index.Objects.VersionsAsync("locked", "g")).Count + (await index.Objects.VersionsAsync("locked", "c")).Count);

        // The bypass lets GOVERNANCE yield; once the command's time is past the date, COMPLIANCE yields too.
        Assert.NotNull(await index.Shard.ExecuteAsync(new DeleteVersion("locked", "g", governed.VersionId) { At = later, BypassGovernance = true }));
        Assert.NotNull(await index.Shard.ExecuteAsync(new DeleteVersion("locked", "c", compliant.VersionId) { At = T0.AddDays(1).AddTicks(1) }));
        Assert.Empty(await index.Objects.VersionsAsync("locked", "g"));
        Assert.Empty(await index.Objects.VersionsAsync("locked", "c"));
    }

    [Fact]
    public async Task A_legal_hold_refuses_the_reap_whatever_the_time_and_the_bypass()
    {
        await using var index = new IndexFixture();
        await index.Shard.ExecuteAsync(new CreateBucket("held", "o", "r") { At = T0, ObjectLockEnabled = true });
        var version = await index.Shard.ExecuteAsync(new PutVersion("held", "k", IndexFixture.Draft() with { LegalHold = LegalHoldStatus.On }, VersionIds.NewNonce()) { At = T0 });
        await AssertProtectedAsync(index, new DeleteVersion("held", "k", version.VersionId) { At = T0.AddYears(50), BypassGovernance = true });
        await index.Shard.ExecuteAsync(new PutObjectLegalHold("held", "k", version.VersionId, LegalHoldStatus.Off) { At = T0.AddYears(50) });
        Assert.NotNull(await index.Shard.ExecuteAsync(new DeleteVersion("held", "k", version.VersionId) { At = T0.AddYears(50) }));
    }

    [Fact]
    public async Task A_locked_null_version_written_before_object_lock_is_not_reaped_by_a_delete_of_null()
    {
        await using var index = new IndexFixture();
        await index.Shard.ExecuteAsync(new CreateBucket("late", "o", "r") { At = T0 });
        await PutAsync(index, "k", T0, retention: null, bucket: "late");
        await index.Shard.ExecuteAsync(new PutBucketVersioning("late", VersioningState.Enabled) { At = T0 });
        await index.Shard.ExecuteAsync(new PutObjectLockConfiguration("late", null) { At = T0 });
        await index.Shard.ExecuteAsync(new PutObjectRetention("late", "k", VersionIds.Null, new ObjectRetention(RetentionMode.Compliance, T0.AddDays(1))) { At = T0 });

        await AssertProtectedAsync(index, new DeleteVersion("late", "k", VersionIds.Null) { At = T0.AddHours(1) });
        var suspend = await Assert.ThrowsAsync<S3Exception>(() => index.Shard.ExecuteAsync(new PutBucketVersioning("late", VersioningState.Suspended) { At = T0 }));
        Assert.Equal(S3ErrorCode.InvalidBucketState, suspend.Code);
        Assert.Single(await index.Objects.VersionsAsync("late", "k"));
    }

    [Fact]
    public async Task The_default_retention_counts_from_the_commands_time_and_is_applied_at_apply()
    {
        await using var index = new IndexFixture();
        await index.Shard.ExecuteAsync(new CreateBucket("dflt", "o", "r") { At = T0, ObjectLockEnabled = true });
        await index.Shard.ExecuteAsync(new PutObjectLockConfiguration("dflt", new DefaultRetention(RetentionMode.Governance, Days: 3, Years: null)) { At = T0 });
        var put = await PutAsync(index, "k", T0.AddHours(1), retention: null, bucket: "dflt");
        Assert.Equal(new ObjectRetention(RetentionMode.Governance, T0.AddHours(1).AddDays(3)), put.Retention);
        // A delete marker carries no lock.
        var marker = await index.Shard.ExecuteAsync(new DeleteObject("dflt", "k", VersionIds.NewNonce()) { At = T0.AddHours(2) });
        Assert.Null(marker!.Retention);
        Assert.NotNull(await index.Shard.ExecuteAsync(new DeleteVersion("dflt", "k", marker.VersionId) { At = T0.AddHours(2) }));
    }

    [Fact]
    public async Task Object_lock_commands_replayed_from_their_bytes_give_the_same_state_and_refusals()
    {
        IndexCommand[] log =
        [
            new CreateBucket("rep", "o", "r") { At = T0, ObjectLockEnabled = true },
            new PutObjectLockConfiguration("rep", new DefaultRetention(RetentionMode.Governance, Days: 1, Years: null)) { At = T0 },
            new PutVersion("rep", "k", IndexFixture.Draft(), "00000000000000b1") { At = T0 },
            new PutObjectLegalHold("rep", "k", null, LegalHoldStatus.On) { At = T0.AddSeconds(1) },
            new PutObjectRetention("rep", "k", null, new ObjectRetention(RetentionMode.Compliance, T0.AddDays(2))) { At = T0.AddSeconds(2), BypassGovernance = true },
            new PutObjectRetention("rep", "k", null, new ObjectRetention(RetentionMode.Compliance, T0.AddDays(1))) { At = T0.AddSeconds(3), BypassGovernance = true },
            new PutBucketVersioning("rep", VersioningState.Suspended) { At = T0.AddSeconds(4) },
        ];
        var first = await ShardCommandTests.ReplayAsync(log, viaBytes: false);
        var second = await ShardCommandTests.ReplayAsync(log, viaBytes: true);
        Assert.Equal(first.Results, second.Results);
        Assert.Equal(first.State, second.State);
        Assert.Equal(["error:AccessDenied", "error:InvalidBucketState"], first.Results.Where(r => r.StartsWith("error:", StringComparison.Ordinal)));
    }

    private static Task<VersionRecord> PutAsync(IndexFixture index, string key, DateTimeOffset at, ObjectRetention? retention, string bucket = "locked") =>
        index.Shard.ExecuteAsync(new PutVersion(bucket, key, IndexFixture.Draft() with { Retention = retention }, VersionIds.NewNonce()) { At = at });

    private static async Task AssertProtectedAsync<T>(IndexFixture index, IndexCommand<T> command)
    {
        var refused = await Assert.ThrowsAsync<S3Exception>(() => index.Shard.ExecuteAsync(command));
        Assert.Equal(S3ErrorCode.AccessDenied, refused.Code);
    }
}
