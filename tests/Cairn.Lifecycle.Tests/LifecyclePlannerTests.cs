using Cairn.Core.Time;
using static Cairn.Lifecycle.Tests.Xml;

namespace Cairn.Lifecycle.Tests;

/// <summary>Days last one second here (DayClock daySeconds = 1), so "day 31" is 31 s after creation.</summary>
public sealed class LifecyclePlannerTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly ManualTime time = new(Start);

    private const string Ladder = "<Transition><Days>30</Days><StorageClass>STANDARD_IA</StorageClass></Transition>"
        + "<Transition><Days>90</Days><StorageClass>GLACIER</StorageClass></Transition>"
        + "<Transition><Days>180</Days><StorageClass>DEEP_ARCHIVE</StorageClass></Transition>"
        + "<Expiration><Days>365</Days></Expiration>";

    private LifecyclePlanner Planner(params string[] rules) => new(Parse(Config(rules)), new DayClock(time, daySeconds: 1));

    private void AtDay(double day) => time.Now = Start.AddSeconds(day);

    private static ObjectFacts Object(string key = "logs/a", long size = 1 << 20, string storageClass = "STANDARD",
        IReadOnlyDictionary<string, string>? tags = null) =>
        new() { Key = key, Size = size, StorageClass = storageClass, LastModified = Start, Tags = tags ?? new Dictionary<string, string>() };

    private static NoncurrentFacts Noncurrent(int newer = 0, bool deleteMarker = false, string storageClass = "STANDARD") => new()
    {
        Key = "logs/a", Size = deleteMarker ? 0 : 1 << 20, StorageClass = storageClass, LastModified = Start.AddSeconds(-1000),
        NoncurrentSince = Start, NewerNoncurrentCount = newer, IsDeleteMarker = deleteMarker,
    };

    [Theory]
    [InlineData(10, "None", null)]
    [InlineData(31, "Transition", "STANDARD_IA")]
    [InlineData(91, "Transition", "GLACIER")]
    [InlineData(181, "Transition", "DEEP_ARCHIVE")]
    [InlineData(366, "Expire", null)]
    public void Ladder_moves_an_object_down_then_expires_it(double day, string kind, string? target)
    {
        var planner = Planner(Rule(Ladder, id: "ladder"));
        AtDay(day);
        var action = planner.CurrentVersionAction(Object());
        Assert.Equal(kind, action.Kind.ToString());
        Assert.Equal(target, action.TargetStorageClass);
        if (kind != "None") Assert.Equal("ladder", action.RuleId);
    }

    [Fact]
    public void Transition_is_due_on_the_exact_day()
    {
        var planner = Planner(Rule(Ladder));
        AtDay(30);
        Assert.Equal("STANDARD_IA", planner.CurrentVersionAction(Object()).TargetStorageClass);
        AtDay(29.99);
        Assert.Equal(LifecycleAction.None, planner.CurrentVersionAction(Object()));
    }

    [Fact]
    public void Object_already_in_glacier_is_not_moved_back_to_ia()
    {
        var planner = Planner(Rule(Ladder));
        AtDay(100);
        Assert.Equal(LifecycleAction.None, planner.CurrentVersionAction(Object(storageClass: "GLACIER")));
    }

    [Fact]
    public void Object_already_in_the_target_class_is_not_transitioned_again()
    {
        var planner = Planner(Rule(Ladder));
        AtDay(40);
        Assert.Equal(LifecycleAction.None, planner.CurrentVersionAction(Object(storageClass: "STANDARD_IA")));
        AtDay(91);
        Assert.Equal("GLACIER", planner.CurrentVersionAction(Object(storageClass: "STANDARD_IA")).TargetStorageClass);
    }

    [Fact]
    public void Ia_object_is_not_moved_sideways_to_intelligent_tiering()
    {
        var planner = Planner(Rule("<Transition><Days>0</Days><StorageClass>INTELLIGENT_TIERING</StorageClass></Transition>"));
        AtDay(5);
        Assert.Equal(LifecycleAction.None, planner.CurrentVersionAction(Object(storageClass: "STANDARD_IA")));
        Assert.Equal("INTELLIGENT_TIERING", planner.CurrentVersionAction(Object()).TargetStorageClass);
    }

    [Fact]
    public void Onezone_ia_object_skips_glacier_ir_as_aws_forbids_it()
    {
        var planner = Planner(Rule("<Transition><Days>0</Days><StorageClass>GLACIER_IR</StorageClass></Transition>"));
        AtDay(5);
        Assert.Equal(LifecycleAction.None, planner.CurrentVersionAction(Object(storageClass: "ONEZONE_IA")));
    }

    [Fact]
    public void Expiration_wins_over_a_due_transition_in_another_rule()
    {
        var planner = Planner(
            Rule("<Transition><Days>10</Days><StorageClass>GLACIER</StorageClass></Transition>", id: "archive"),
            Rule("<Expiration><Days>20</Days></Expiration>", id: "expire"));
        AtDay(25);
        Assert.Equal(LifecycleAction.Expire("expire"), planner.CurrentVersionAction(Object()));
    }

    [Fact]
    public void Coldest_due_class_wins_across_rules()
    {
        var planner = Planner(
            Rule("<Transition><Days>30</Days><StorageClass>STANDARD_IA</StorageClass></Transition>", id: "ia"),
            Rule("<Transition><Days>40</Days><StorageClass>GLACIER</StorageClass></Transition>", id: "glacier"));
        AtDay(50);
        Assert.Equal(LifecycleAction.Transition("GLACIER", "glacier"), planner.CurrentVersionAction(Object()));
    }

    [Fact]
    public void Prefix_filter_selects_keys()
    {
        var planner = Planner(Rule("<Expiration><Days>1</Days></Expiration>", filter: "<Filter><Prefix>tmp/</Prefix></Filter>"));
        AtDay(2);
        Assert.Equal(LifecycleActionKind.Expire, planner.CurrentVersionAction(Object("tmp/x")).Kind);
        Assert.Equal(LifecycleActionKind.None, planner.CurrentVersionAction(Object("logs/x")).Kind);
    }

    [Fact]
    public void Legacy_rule_prefix_selects_keys()
    {
        var planner = Planner(Rule("<Expiration><Days>1</Days></Expiration>", filter: "<Prefix>tmp/</Prefix>"));
        AtDay(2);
        Assert.Equal(LifecycleActionKind.Expire, planner.CurrentVersionAction(Object("tmp/x")).Kind);
        Assert.Equal(LifecycleActionKind.None, planner.CurrentVersionAction(Object("logs/x")).Kind);
    }

    [Fact]
    public void Tag_filter_selects_tagged_objects()
    {
        var planner = Planner(Rule("<Expiration><Days>1</Days></Expiration>",
            filter: "<Filter><Tag><Key>retention</Key><Value>short</Value></Tag></Filter>"));
        AtDay(2);
        var tagged = Object(tags: new Dictionary<string, string> { ["retention"] = "short" });
        var other = Object(tags: new Dictionary<string, string> { ["retention"] = "long" });
        Assert.Equal(LifecycleActionKind.Expire, planner.CurrentVersionAction(tagged).Kind);
        Assert.Equal(LifecycleActionKind.None, planner.CurrentVersionAction(other).Kind);
    }

    [Fact]
    public void Size_filter_selects_objects_by_size()
    {
        var planner = Planner(Rule("<Transition><Days>0</Days><StorageClass>GLACIER</StorageClass></Transition>",
            filter: "<Filter><ObjectSizeGreaterThan>131072</ObjectSizeGreaterThan></Filter>"));
        AtDay(1);
        Assert.Equal(LifecycleActionKind.Transition, planner.CurrentVersionAction(Object(size: 131073)).Kind);
        Assert.Equal(LifecycleActionKind.None, planner.CurrentVersionAction(Object(size: 131072)).Kind);
    }

    [Fact]
    public void Date_rules_fire_once_the_date_is_reached()
    {
        var planner = Planner(Rule("<Transition><Date>2026-02-01T00:00:00Z</Date><StorageClass>GLACIER</StorageClass></Transition>"
            + "<Expiration><Date>2026-03-01T00:00:00Z</Date></Expiration>"));
        time.Now = new DateTimeOffset(2026, 1, 31, 23, 59, 59, TimeSpan.Zero);
        Assert.Equal(LifecycleAction.None, planner.CurrentVersionAction(Object()));
        time.Now = new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal("GLACIER", planner.CurrentVersionAction(Object()).TargetStorageClass);
        time.Now = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal(LifecycleActionKind.Expire, planner.CurrentVersionAction(Object()).Kind);
    }

    [Fact]
    public void Date_rules_ignore_the_day_length()
    {
        // Dates are wall time: a scaled-down DayClock does not bring them closer.
        var planner = Planner(Rule("<Expiration><Date>2027-01-01T00:00:00Z</Date></Expiration>"));
        AtDay(1_000_000);
        Assert.Equal(LifecycleAction.None, planner.CurrentVersionAction(Object()));
    }

    [Fact]
    public void Disabled_rules_are_ignored()
    {
        var planner = Planner(Rule(Ladder).Replace("<Status>Enabled</Status>", "<Status>Disabled</Status>"));
        AtDay(400);
        Assert.Equal(LifecycleAction.None, planner.CurrentVersionAction(Object()));
        Assert.Equal(LifecycleAction.None, planner.NoncurrentVersionAction(Noncurrent()));
    }

    [Fact]
    public void Current_delete_marker_is_never_transitioned_or_expired()
    {
        var planner = Planner(Rule(Ladder));
        AtDay(400);
        var marker = Object(size: 0) with { IsDeleteMarker = true, IsOnlyVersion = false };
        Assert.Equal(LifecycleAction.None, planner.CurrentVersionAction(marker));
    }

    [Fact]
    public void Expired_object_delete_marker_removes_only_a_lone_marker()
    {
        var planner = Planner(Rule("<Expiration><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration>", id: "markers"));
        AtDay(0);
        var lone = Object(size: 0) with { IsDeleteMarker = true, IsOnlyVersion = true };
        Assert.Equal(LifecycleAction.RemoveExpiredDeleteMarker("markers"), planner.CurrentVersionAction(lone));
        Assert.Equal(LifecycleAction.None, planner.CurrentVersionAction(lone with { IsOnlyVersion = false }));
    }

    [Fact]
    public void Expired_object_delete_marker_false_does_nothing()
    {
        var planner = Planner(Rule("<Expiration><ExpiredObjectDeleteMarker>false</ExpiredObjectDeleteMarker></Expiration>"));
        AtDay(10);
        Assert.Equal(LifecycleAction.None, planner.CurrentVersionAction(Object(size: 0) with { IsDeleteMarker = true, IsOnlyVersion = true }));
        Assert.Equal(LifecycleAction.None, planner.CurrentVersionAction(Object()));
    }

    [Fact]
    public void Expiration_days_removes_a_lone_delete_marker_once_old_enough()
    {
        // AWS: with Days set, S3 performs ExpiredObjectDeleteMarker cleanup when markers meet the age.
        var planner = Planner(Rule("<Expiration><Days>10</Days></Expiration>", id: "expire"));
        var lone = Object(size: 0) with { IsDeleteMarker = true, IsOnlyVersion = true };
        AtDay(9);
        Assert.Equal(LifecycleAction.None, planner.CurrentVersionAction(lone));
        AtDay(10);
        Assert.Equal(LifecycleAction.RemoveExpiredDeleteMarker("expire"), planner.CurrentVersionAction(lone));
    }

    [Fact]
    public void Noncurrent_version_expires_after_noncurrent_days()
    {
        var planner = Planner(Rule("<NoncurrentVersionExpiration><NoncurrentDays>30</NoncurrentDays></NoncurrentVersionExpiration>", id: "old"));
        AtDay(29);
        Assert.Equal(LifecycleAction.None, planner.NoncurrentVersionAction(Noncurrent()));
        AtDay(30);
        Assert.Equal(LifecycleAction.ExpireNoncurrent("old"), planner.NoncurrentVersionAction(Noncurrent()));
    }

    [Fact]
    public void Noncurrent_age_counts_from_when_the_version_became_noncurrent()
    {
        var planner = Planner(Rule("<NoncurrentVersionExpiration><NoncurrentDays>30</NoncurrentDays></NoncurrentVersionExpiration>"));
        AtDay(20);
        // Created long ago, but noncurrent for 20 days only.
        Assert.Equal(LifecycleAction.None, planner.NoncurrentVersionAction(Noncurrent() with { LastModified = Start.AddSeconds(-500) }));
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(2, false)]
    [InlineData(3, true)]
    [InlineData(7, true)]
    public void Newer_noncurrent_versions_keeps_that_many_newest(int newer, bool expires)
    {
        var planner = Planner(Rule("<NoncurrentVersionExpiration><NoncurrentDays>1</NoncurrentDays><NewerNoncurrentVersions>3</NewerNoncurrentVersions></NoncurrentVersionExpiration>"));
        AtDay(5);
        var action = planner.NoncurrentVersionAction(Noncurrent(newer));
        Assert.Equal(expires ? LifecycleActionKind.ExpireNoncurrent : LifecycleActionKind.None, action.Kind);
    }

    [Fact]
    public void Noncurrent_transition_picks_the_coldest_due_class()
    {
        var planner = Planner(Rule("<NoncurrentVersionTransition><NoncurrentDays>30</NoncurrentDays><StorageClass>STANDARD_IA</StorageClass></NoncurrentVersionTransition>"
            + "<NoncurrentVersionTransition><NoncurrentDays>60</NoncurrentDays><StorageClass>GLACIER</StorageClass></NoncurrentVersionTransition>"
            + "<NoncurrentVersionExpiration><NoncurrentDays>90</NoncurrentDays></NoncurrentVersionExpiration>", id: "nc"));
        AtDay(31);
        Assert.Equal(LifecycleAction.Transition("STANDARD_IA", "nc"), planner.NoncurrentVersionAction(Noncurrent()));
        AtDay(61);
        Assert.Equal(LifecycleAction.Transition("GLACIER", "nc"), planner.NoncurrentVersionAction(Noncurrent()));
        Assert.Equal(LifecycleAction.None, planner.NoncurrentVersionAction(Noncurrent(storageClass: "GLACIER")));
        AtDay(90);
        Assert.Equal(LifecycleAction.ExpireNoncurrent("nc"), planner.NoncurrentVersionAction(Noncurrent(storageClass: "GLACIER")));
    }

    [Fact]
    public void Noncurrent_transition_respects_newer_noncurrent_versions()
    {
        var planner = Planner(Rule("<NoncurrentVersionTransition><NoncurrentDays>0</NoncurrentDays><StorageClass>GLACIER</StorageClass><NewerNoncurrentVersions>2</NewerNoncurrentVersions></NoncurrentVersionTransition>"));
        AtDay(1);
        Assert.Equal(LifecycleAction.None, planner.NoncurrentVersionAction(Noncurrent(newer: 1)));
        Assert.Equal(LifecycleActionKind.Transition, planner.NoncurrentVersionAction(Noncurrent(newer: 2)).Kind);
    }

    [Fact]
    public void Noncurrent_delete_marker_is_reaped_but_never_transitioned()
    {
        var planner = Planner(Rule("<NoncurrentVersionTransition><NoncurrentDays>0</NoncurrentDays><StorageClass>GLACIER</StorageClass></NoncurrentVersionTransition>"
            + "<NoncurrentVersionExpiration><NoncurrentDays>10</NoncurrentDays></NoncurrentVersionExpiration>"));
        AtDay(5);
        Assert.Equal(LifecycleAction.None, planner.NoncurrentVersionAction(Noncurrent(deleteMarker: true)));
        AtDay(10);
        Assert.Equal(LifecycleActionKind.ExpireNoncurrent, planner.NoncurrentVersionAction(Noncurrent(deleteMarker: true)).Kind);
    }

    [Fact]
    public void Current_version_actions_ignore_noncurrent_rules_and_vice_versa()
    {
        var planner = Planner(Rule("<NoncurrentVersionExpiration><NoncurrentDays>1</NoncurrentDays></NoncurrentVersionExpiration>", id: "nc"),
            Rule("<Expiration><Days>1</Days></Expiration>", id: "cur"));
        AtDay(2);
        Assert.Equal(LifecycleAction.Expire("cur"), planner.CurrentVersionAction(Object()));
        Assert.Equal(LifecycleAction.ExpireNoncurrent("nc"), planner.NoncurrentVersionAction(Noncurrent()));
    }

    [Fact]
    public void Abort_upload_fires_after_days_after_initiation_for_matching_prefix()
    {
        var planner = Planner(Rule("<AbortIncompleteMultipartUpload><DaysAfterInitiation>7</DaysAfterInitiation></AbortIncompleteMultipartUpload>",
            id: "uploads", filter: "<Filter><Prefix>big/</Prefix></Filter>"));
        AtDay(6);
        Assert.Null(planner.AbortUpload("big/file", Start));
        AtDay(7);
        Assert.Equal("uploads", planner.AbortUpload("big/file", Start));
        Assert.Null(planner.AbortUpload("small/file", Start));
    }

    [Fact]
    public void Abort_upload_ignores_disabled_rules()
    {
        var planner = Planner(Rule("<AbortIncompleteMultipartUpload><DaysAfterInitiation>1</DaysAfterInitiation></AbortIncompleteMultipartUpload>")
            .Replace("Enabled", "Disabled"));
        AtDay(3);
        Assert.Null(planner.AbortUpload("k", Start));
    }

    [Fact]
    public void Abort_upload_skips_rules_with_tag_or_size_filters()
    {
        // The parser refuses these; a configuration built in code still must not abort by them.
        var rule = new LifecycleRule
        {
            Id = "tagged", AbortIncompleteMultipartUpload = new AbortIncompleteMultipartUpload(1),
            Filter = new LifecycleFilter { Tags = [new LifecycleTag("k", "v")] },
        };
        var planner = new LifecyclePlanner(new LifecycleConfiguration([rule]), new DayClock(time, 1));
        AtDay(3);
        Assert.Null(planner.AbortUpload("k", Start));
    }

    [Fact]
    public void The_expiration_due_first_names_the_action_and_first_in_order_breaks_ties()
    {
        // The rule x-amz-expiration reports is the one the worker expires by: the earliest date.
        var planner = Planner(Rule("<Expiration><Days>5</Days></Expiration>", id: "first"),
            Rule("<Expiration><Days>3</Days></Expiration>", id: "second"), Rule("<Expiration><Days>3</Days></Expiration>", id: "third"));
        AtDay(4);
        Assert.Equal(LifecycleAction.Expire("second"), planner.CurrentVersionAction(Object()));
        AtDay(6);
        Assert.Equal(LifecycleAction.Expire("second"), planner.CurrentVersionAction(Object()));
    }

    [Theory]
    [InlineData(0, 1, 2)] // created at a day's start: expires at the start of the day after creation + 1 day
    [InlineData(0.25, 1, 2)] // any time within the day rounds up to the same start
    [InlineData(0.999, 30, 31)]
    public void An_expiration_in_days_falls_at_the_start_of_the_day_after_creation_plus_the_days(double createdAt, int days, int expiresAt)
    {
        var planner = Planner(Rule($"<Expiration><Days>{days}</Days></Expiration>", id: "exp"));
        var created = Start.AddSeconds(createdAt);
        var o = Object() with { LastModified = created };
        Assert.Equal(new ScheduledExpiration(Start.AddSeconds(expiresAt), "exp"), planner.ScheduledExpiration(o));
        AtDay(expiresAt - 0.001);
        Assert.Equal(LifecycleAction.None, planner.CurrentVersionAction(o));
        AtDay(expiresAt);
        Assert.Equal(LifecycleAction.Expire("exp"), planner.CurrentVersionAction(o));
    }

    [Fact]
    public void An_expiration_on_a_date_is_scheduled_for_that_date_and_real_days_round_up_to_midnight_utc()
    {
        var onDate = new LifecyclePlanner(Parse(Config(Rule("<Expiration><Date>2026-03-01T00:00:00Z</Date></Expiration>", id: "d"))), new DayClock(time));
        Assert.Equal(new ScheduledExpiration(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero), "d"), onDate.ScheduledExpiration(Object()));

        // AWS's own example: created 2014-01-15 10:30 UTC with Days 3 expires 2014-01-19 00:00 UTC.
        var realDays = new LifecyclePlanner(Parse(Config(Rule("<Expiration><Days>3</Days></Expiration>", id: "r"))), new DayClock(time));
        var created = Object() with { LastModified = new DateTimeOffset(2014, 1, 15, 10, 30, 0, TimeSpan.Zero) };
        Assert.Equal(new DateTimeOffset(2014, 1, 19, 0, 0, 0, TimeSpan.Zero), realDays.ScheduledExpiration(created)!.Date);

        // Filters decide as for the worker; noncurrent expiration is not scheduled here.
        var filtered = Planner(Rule("<Expiration><Days>3</Days></Expiration>", filter: "<Filter><Prefix>tmp/</Prefix></Filter>"),
            Rule("<NoncurrentVersionExpiration><NoncurrentDays>1</NoncurrentDays></NoncurrentVersionExpiration>", id: "nc"));
        Assert.Null(filtered.ScheduledExpiration(Object("logs/a")));
        Assert.NotNull(filtered.ScheduledExpiration(Object("tmp/a")));
    }
}
