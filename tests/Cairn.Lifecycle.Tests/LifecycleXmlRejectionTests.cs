using Cairn.Core.Errors;
using static Cairn.Lifecycle.Tests.Xml;

namespace Cairn.Lifecycle.Tests;

public sealed class LifecycleXmlRejectionTests
{
    private const string Expire = "<Expiration><Days>365</Days></Expiration>";

    private static void RejectedRule(string actions, S3ErrorCode code, string? message = null, string filter = "<Filter><Prefix></Prefix></Filter>")
    {
        var e = Rejected(Config(Rule(actions, filter: filter)), code);
        if (message is not null) Assert.Equal(message, e.Message);
    }

    // --- MalformedXML: the body does not fit the schema ---

    [Theory]
    [InlineData("")]
    [InlineData("not xml")]
    [InlineData("<LifecycleConfiguration>")]
    [InlineData("<LifecycleConfiguration></Lifecycle>")]
    [InlineData("<!DOCTYPE x [<!ENTITY e \"boom\">]><LifecycleConfiguration/>")]
    public void Not_well_formed_xml_is_malformed(string body) => Rejected(body, S3ErrorCode.MalformedXML);

    [Fact]
    public void Wrong_root_is_malformed() =>
        Rejected("<Lifecycle><Rule><ID>a</ID><Filter/><Status>Enabled</Status>" + Expire + "</Rule></Lifecycle>", S3ErrorCode.MalformedXML);

    [Fact]
    public void Root_in_a_foreign_namespace_is_malformed() =>
        Rejected("<LifecycleConfiguration xmlns=\"urn:other\"><Rule><ID>a</ID><Filter/><Status>Enabled</Status>" + Expire
            + "</Rule></LifecycleConfiguration>", S3ErrorCode.MalformedXML);

    [Fact]
    public void No_rules_is_malformed() => Rejected(Config(), S3ErrorCode.MalformedXML);

    [Fact]
    public void More_than_a_thousand_rules_is_malformed()
    {
        var rules = Enumerable.Range(0, 1001).Select(i => Rule(Expire, id: "r" + i)).ToArray();
        Rejected(Config(rules), S3ErrorCode.MalformedXML);
    }

    [Fact]
    public void Unknown_element_in_configuration_is_malformed() =>
        Rejected(Config(Rule(Expire), "<Other/>"), S3ErrorCode.MalformedXML);

    [Theory]
    [InlineData("<Unknown>1</Unknown>")]
    [InlineData("<Days>3</Days>")] // misplaced: Days belongs inside an action
    [InlineData("<ID>again</ID>")] // duplicated
    [InlineData("<Status>Enabled</Status>")] // duplicated
    [InlineData("<Expiration><Days>400</Days></Expiration>")] // duplicated
    [InlineData("<NoncurrentVersionExpiration><NoncurrentDays>1</NoncurrentDays></NoncurrentVersionExpiration><NoncurrentVersionExpiration><NoncurrentDays>2</NoncurrentDays></NoncurrentVersionExpiration>")]
    [InlineData("<AbortIncompleteMultipartUpload><DaysAfterInitiation>1</DaysAfterInitiation></AbortIncompleteMultipartUpload><AbortIncompleteMultipartUpload><DaysAfterInitiation>2</DaysAfterInitiation></AbortIncompleteMultipartUpload>")]
    [InlineData("stray text")]
    public void Unknown_duplicated_or_misplaced_rule_elements_are_malformed(string extra) =>
        RejectedRule(Expire + extra, S3ErrorCode.MalformedXML);

    [Fact]
    public void Element_in_a_foreign_namespace_is_malformed() =>
        RejectedRule(Expire + "<x:Note xmlns:x=\"urn:other\">hi</x:Note>", S3ErrorCode.MalformedXML);

    [Fact]
    public void Missing_status_is_malformed() =>
        Rejected(Config("<Rule><ID>a</ID><Filter/>" + Expire + "</Rule>"), S3ErrorCode.MalformedXML);

    [Theory]
    [InlineData("enabled")]
    [InlineData("On")]
    [InlineData("")]
    public void Status_other_than_Enabled_or_Disabled_is_malformed(string status) =>
        Rejected(Config($"<Rule><ID>a</ID><Filter/><Status>{status}</Status>{Expire}</Rule>"), S3ErrorCode.MalformedXML);

    [Fact]
    public void Rule_without_filter_or_prefix_is_malformed() =>
        Rejected(Config("<Rule><ID>a</ID><Status>Enabled</Status>" + Expire + "</Rule>"), S3ErrorCode.MalformedXML);

    [Fact]
    public void Rule_with_both_filter_and_prefix_is_malformed() =>
        RejectedRule(Expire, S3ErrorCode.MalformedXML, filter: "<Prefix>a/</Prefix><Filter><Prefix>b/</Prefix></Filter>");

    [Theory]
    [InlineData("<Filter><Prefix>a/</Prefix><Tag><Key>k</Key><Value>v</Value></Tag></Filter>")]
    [InlineData("<Filter><Prefix>a/</Prefix><ObjectSizeLessThan>10</ObjectSizeLessThan></Filter>")]
    [InlineData("<Filter><Tag><Key>a</Key><Value>1</Value></Tag><Tag><Key>b</Key><Value>2</Value></Tag></Filter>")]
    [InlineData("<Filter><And></And></Filter>")]
    [InlineData("<Filter><And><Prefix>a</Prefix><Prefix>b</Prefix></And></Filter>")]
    [InlineData("<Filter><And><And><Prefix>a</Prefix></And></And></Filter>")]
    [InlineData("<Filter><Tag><Value>v</Value></Tag></Filter>")]
    [InlineData("<Filter><Prefix><Sub/></Prefix></Filter>")]
    [InlineData("<Filter><ObjectSizeGreaterThan>big</ObjectSizeGreaterThan></Filter>")]
    [InlineData("<Filter><Days>1</Days></Filter>")]
    public void Filter_not_matching_the_schema_is_malformed(string filter) =>
        RejectedRule(Expire, S3ErrorCode.MalformedXML, filter: filter);

    [Theory]
    [InlineData("<Transition><StorageClass>GLACIER</StorageClass></Transition>")]
    [InlineData("<Transition><Days>30</Days></Transition>")]
    [InlineData("<Transition></Transition>")]
    [InlineData("<Transition><Days>30</Days><Date>2030-01-01T00:00:00Z</Date><StorageClass>GLACIER</StorageClass></Transition>")]
    [InlineData("<Transition><Days>thirty</Days><StorageClass>GLACIER</StorageClass></Transition>")]
    [InlineData("<Transition><Days>30.5</Days><StorageClass>GLACIER</StorageClass></Transition>")]
    [InlineData("<Transition><Days>30</Days><Days>60</Days><StorageClass>GLACIER</StorageClass></Transition>")]
    [InlineData("<NoncurrentVersionTransition><StorageClass>GLACIER</StorageClass></NoncurrentVersionTransition>")]
    [InlineData("<NoncurrentVersionTransition><NoncurrentDays>1</NoncurrentDays></NoncurrentVersionTransition>")]
    [InlineData("<NoncurrentVersionExpiration><NewerNoncurrentVersions>1</NewerNoncurrentVersions></NoncurrentVersionExpiration>")]
    [InlineData("<NoncurrentVersionExpiration><NoncurrentDays>1</NoncurrentDays><StorageClass>GLACIER</StorageClass></NoncurrentVersionExpiration>")]
    [InlineData("<AbortIncompleteMultipartUpload></AbortIncompleteMultipartUpload>")]
    [InlineData("<Expiration></Expiration>")]
    [InlineData("<Expiration><ExpiredObjectDeleteMarker>yes</ExpiredObjectDeleteMarker></Expiration>")]
    public void Actions_not_matching_the_schema_are_malformed(string action) =>
        RejectedRule(action, S3ErrorCode.MalformedXML);

    [Theory]
    [InlineData("<Expiration><Days>30</Days><Date>2030-01-01T00:00:00Z</Date></Expiration>")]
    [InlineData("<Expiration><Days>30</Days><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration>")]
    [InlineData("<Expiration><Date>2030-01-01T00:00:00Z</Date><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration>")]
    public void Expiration_with_more_than_one_trigger_is_malformed(string expiration) =>
        RejectedRule(expiration, S3ErrorCode.MalformedXML);

    [Theory]
    [InlineData("STANDARD")]
    [InlineData("REDUCED_REDUNDANCY")]
    [InlineData("GLACIERX")]
    [InlineData("standard_ia")]
    public void Transition_to_a_class_outside_the_transition_set_is_malformed(string storageClass)
    {
        RejectedRule($"<Transition><Days>60</Days><StorageClass>{storageClass}</StorageClass></Transition>", S3ErrorCode.MalformedXML);
        RejectedRule($"<NoncurrentVersionTransition><NoncurrentDays>60</NoncurrentDays><StorageClass>{storageClass}</StorageClass></NoncurrentVersionTransition>",
            S3ErrorCode.MalformedXML);
    }

    // --- InvalidRequest ---

    [Fact]
    public void Rule_without_action_is_invalid_request() =>
        RejectedRule("", S3ErrorCode.InvalidRequest, "At least one action needs to be specified in a rule");

    [Fact]
    public void Abort_upload_with_tag_filter_is_invalid_request() =>
        RejectedRule("<AbortIncompleteMultipartUpload><DaysAfterInitiation>7</DaysAfterInitiation></AbortIncompleteMultipartUpload>",
            S3ErrorCode.InvalidRequest, "AbortIncompleteMultipartUpload cannot be specified with Tags.",
            "<Filter><Tag><Key>k</Key><Value>v</Value></Tag></Filter>");

    [Fact]
    public void Abort_upload_with_size_filter_is_invalid_request() =>
        RejectedRule("<AbortIncompleteMultipartUpload><DaysAfterInitiation>7</DaysAfterInitiation></AbortIncompleteMultipartUpload>",
            S3ErrorCode.InvalidRequest, "AbortIncompleteMultipartUpload cannot be specified with Object Size.",
            "<Filter><And><Prefix>a/</Prefix><ObjectSizeGreaterThan>10</ObjectSizeGreaterThan></And></Filter>");

    [Fact]
    public void Expired_object_delete_marker_with_tag_filter_is_invalid_request() =>
        RejectedRule("<Expiration><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration>",
            S3ErrorCode.InvalidRequest, "ExpiredObjectDeleteMarker cannot be specified with Tags.",
            "<Filter><And><Prefix>a/</Prefix><Tag><Key>k</Key><Value>v</Value></Tag></And></Filter>");

    [Fact]
    public void Two_transitions_to_the_same_class_are_invalid_request() =>
        RejectedRule("<Transition><Days>30</Days><StorageClass>GLACIER</StorageClass></Transition>"
            + "<Transition><Days>90</Days><StorageClass>GLACIER</StorageClass></Transition>",
            S3ErrorCode.InvalidRequest, "'StorageClass' must be different for 'Transition' actions in same 'Rule' with filter '(prefix=logs/)'",
            "<Filter><Prefix>logs/</Prefix></Filter>");

    [Fact]
    public void Two_noncurrent_transitions_to_the_same_class_are_invalid_request() =>
        RejectedRule("<NoncurrentVersionTransition><NoncurrentDays>30</NoncurrentDays><StorageClass>GLACIER</StorageClass></NoncurrentVersionTransition>"
            + "<NoncurrentVersionTransition><NoncurrentDays>90</NoncurrentDays><StorageClass>GLACIER</StorageClass></NoncurrentVersionTransition>",
            S3ErrorCode.InvalidRequest);

    [Fact]
    public void Mixed_date_and_days_transitions_are_invalid_request() =>
        RejectedRule("<Transition><Days>30</Days><StorageClass>STANDARD_IA</StorageClass></Transition>"
            + "<Transition><Date>2030-01-01T00:00:00Z</Date><StorageClass>GLACIER</StorageClass></Transition>",
            S3ErrorCode.InvalidRequest, "Found mixed 'Date' and 'Days' based Transition actions in lifecycle rule for filter '(prefix=)'");

    [Theory]
    [InlineData("<Transition><Days>30</Days><StorageClass>GLACIER</StorageClass></Transition><Expiration><Date>2030-01-01T00:00:00Z</Date></Expiration>")]
    [InlineData("<Transition><Date>2030-01-01T00:00:00Z</Date><StorageClass>GLACIER</StorageClass></Transition><Expiration><Days>400</Days></Expiration>")]
    public void Mixed_date_and_days_expiration_and_transition_are_invalid_request(string actions) =>
        RejectedRule(actions, S3ErrorCode.InvalidRequest);

    // --- InvalidArgument ---

    [Fact]
    public void Duplicate_rule_ids_are_invalid_argument()
    {
        var e = Rejected(Config(Rule(Expire, id: "same"), Rule(Expire, id: "same")), S3ErrorCode.InvalidArgument);
        Assert.Equal("Rule ID must be unique. Found same ID for more than one rule", e.Message);
    }

    [Fact]
    public void Id_longer_than_255_characters_is_invalid_argument() =>
        Rejected(Config(Rule(Expire, id: new string('a', 256))), S3ErrorCode.InvalidArgument);

    [Fact]
    public void Id_of_255_characters_is_allowed() => Assert.Single(Parse(Config(Rule(Expire, id: new string('a', 255)))).Rules);

    [Theory]
    [InlineData("<Expiration><Days>0</Days></Expiration>")]
    [InlineData("<Expiration><Days>-1</Days></Expiration>")]
    [InlineData("<Transition><Days>-1</Days><StorageClass>GLACIER</StorageClass></Transition>")]
    [InlineData("<NoncurrentVersionExpiration><NoncurrentDays>0</NoncurrentDays></NoncurrentVersionExpiration>")]
    [InlineData("<NoncurrentVersionTransition><NoncurrentDays>-5</NoncurrentDays><StorageClass>GLACIER</StorageClass></NoncurrentVersionTransition>")]
    [InlineData("<AbortIncompleteMultipartUpload><DaysAfterInitiation>0</DaysAfterInitiation></AbortIncompleteMultipartUpload>")]
    [InlineData("<AbortIncompleteMultipartUpload><DaysAfterInitiation>-2</DaysAfterInitiation></AbortIncompleteMultipartUpload>")]
    public void Day_counts_out_of_range_are_invalid_argument(string action) => RejectedRule(action, S3ErrorCode.InvalidArgument);

    [Theory]
    [InlineData("2030-01-01T12:00:00Z")]
    [InlineData("2030-01-01T00:00:01Z")]
    [InlineData("2030-01-01T00:00:00.500Z")]
    [InlineData("2030-01-01T00:00:00+02:00")]
    public void Date_not_at_midnight_utc_is_invalid_argument(string date)
    {
        RejectedRule($"<Expiration><Date>{date}</Date></Expiration>", S3ErrorCode.InvalidArgument, "'Date' must be at midnight GMT");
        RejectedRule($"<Transition><Date>{date}</Date><StorageClass>GLACIER</StorageClass></Transition>", S3ErrorCode.InvalidArgument);
    }

    [Theory]
    [InlineData("20200101")]
    [InlineData("tomorrow")]
    [InlineData("2030-13-01T00:00:00Z")]
    public void Date_that_is_not_iso_8601_is_invalid_argument(string date) =>
        RejectedRule($"<Expiration><Date>{date}</Date></Expiration>", S3ErrorCode.InvalidArgument);

    [Theory]
    [InlineData("STANDARD_IA")]
    [InlineData("ONEZONE_IA")]
    public void Ia_transition_before_30_days_is_invalid_argument(string storageClass)
    {
        RejectedRule($"<Transition><Days>29</Days><StorageClass>{storageClass}</StorageClass></Transition>", S3ErrorCode.InvalidArgument,
            $"'Days' in Transition action must be greater than or equal to 30 for storageClass '{storageClass}'");
        RejectedRule($"<NoncurrentVersionTransition><NoncurrentDays>1</NoncurrentDays><StorageClass>{storageClass}</StorageClass></NoncurrentVersionTransition>",
            S3ErrorCode.InvalidArgument,
            $"'NoncurrentDays' in NoncurrentVersionTransition action must be greater than or equal to 30 for storageClass '{storageClass}'");
    }

    [Fact]
    public void Transitions_up_the_ladder_are_invalid_argument() =>
        RejectedRule("<Transition><Days>30</Days><StorageClass>GLACIER</StorageClass></Transition>"
            + "<Transition><Days>90</Days><StorageClass>STANDARD_IA</StorageClass></Transition>",
            S3ErrorCode.InvalidArgument,
            "'Days' in the Transition action for StorageClass 'GLACIER' for filter '(prefix=)' must be greater than 'Days' in the Transition action for StorageClass 'STANDARD_IA' for filter '(prefix=)'");

    [Fact]
    public void Transitions_on_the_same_day_are_invalid_argument() =>
        RejectedRule("<Transition><Days>90</Days><StorageClass>GLACIER</StorageClass></Transition>"
            + "<Transition><Days>90</Days><StorageClass>DEEP_ARCHIVE</StorageClass></Transition>", S3ErrorCode.InvalidArgument);

    [Fact]
    public void Transitions_between_classes_of_the_same_rank_are_invalid_argument() =>
        RejectedRule("<Transition><Days>30</Days><StorageClass>STANDARD_IA</StorageClass></Transition>"
            + "<Transition><Days>90</Days><StorageClass>ONEZONE_IA</StorageClass></Transition>", S3ErrorCode.InvalidArgument);

    [Fact]
    public void Transition_less_than_30_days_after_ia_is_invalid_argument() =>
        RejectedRule("<Transition><Days>30</Days><StorageClass>STANDARD_IA</StorageClass></Transition>"
            + "<Transition><Days>59</Days><StorageClass>GLACIER</StorageClass></Transition>",
            S3ErrorCode.InvalidArgument,
            "'Days' in the Transition action for StorageClass 'GLACIER' for filter '(prefix=)' must be 30 days more than 'Days' in the Transition action for StorageClass 'STANDARD_IA'");

    [Fact]
    public void Transition_exactly_30_days_after_ia_is_allowed() =>
        Assert.Equal(2, ParseRule("<Transition><Days>30</Days><StorageClass>STANDARD_IA</StorageClass></Transition>"
            + "<Transition><Days>60</Days><StorageClass>GLACIER</StorageClass></Transition>").Transitions.Count);

    [Fact]
    public void Noncurrent_transition_less_than_30_days_after_ia_is_invalid_argument() =>
        RejectedRule("<NoncurrentVersionTransition><NoncurrentDays>30</NoncurrentDays><StorageClass>ONEZONE_IA</StorageClass></NoncurrentVersionTransition>"
            + "<NoncurrentVersionTransition><NoncurrentDays>45</NoncurrentDays><StorageClass>DEEP_ARCHIVE</StorageClass></NoncurrentVersionTransition>",
            S3ErrorCode.InvalidArgument);

    [Fact]
    public void Transition_less_than_90_days_after_glacier_ir_is_invalid_argument() =>
        RejectedRule("<Transition><Days>30</Days><StorageClass>GLACIER_IR</StorageClass></Transition>"
            + "<Transition><Days>60</Days><StorageClass>DEEP_ARCHIVE</StorageClass></Transition>", S3ErrorCode.InvalidArgument);

    [Fact]
    public void Date_transitions_up_the_ladder_are_invalid_argument() =>
        RejectedRule("<Transition><Date>2030-01-01T00:00:00Z</Date><StorageClass>DEEP_ARCHIVE</StorageClass></Transition>"
            + "<Transition><Date>2030-06-01T00:00:00Z</Date><StorageClass>GLACIER</StorageClass></Transition>", S3ErrorCode.InvalidArgument);

    [Theory]
    [InlineData(90)]
    [InlineData(60)]
    public void Expiration_not_after_every_transition_is_invalid_argument(int expireDays) =>
        RejectedRule("<Transition><Days>30</Days><StorageClass>STANDARD_IA</StorageClass></Transition>"
            + "<Transition><Days>90</Days><StorageClass>GLACIER</StorageClass></Transition>"
            + $"<Expiration><Days>{expireDays}</Days></Expiration>",
            S3ErrorCode.InvalidArgument,
            "'Days' in the Expiration action for filter '(prefix=)' must be greater than 'Days' in the Transition action");

    [Fact]
    public void Expiration_date_not_after_transition_date_is_invalid_argument() =>
        RejectedRule("<Transition><Date>2030-01-01T00:00:00Z</Date><StorageClass>GLACIER</StorageClass></Transition>"
            + "<Expiration><Date>2030-01-01T00:00:00Z</Date></Expiration>", S3ErrorCode.InvalidArgument);

    [Fact]
    public void Noncurrent_expiration_not_after_noncurrent_transition_is_invalid_argument() =>
        RejectedRule("<NoncurrentVersionTransition><NoncurrentDays>60</NoncurrentDays><StorageClass>GLACIER</StorageClass></NoncurrentVersionTransition>"
            + "<NoncurrentVersionExpiration><NoncurrentDays>60</NoncurrentDays></NoncurrentVersionExpiration>",
            S3ErrorCode.InvalidArgument,
            "'NoncurrentDays' in the NoncurrentVersionExpiration action for filter '(prefix=)' must be greater than 'NoncurrentDays' in the NoncurrentVersionTransition action");

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(101)]
    public void Newer_noncurrent_versions_outside_1_to_100_is_invalid_argument(int count)
    {
        RejectedRule($"<NoncurrentVersionExpiration><NoncurrentDays>1</NoncurrentDays><NewerNoncurrentVersions>{count}</NewerNoncurrentVersions></NoncurrentVersionExpiration>",
            S3ErrorCode.InvalidArgument);
        RejectedRule($"<NoncurrentVersionTransition><NoncurrentDays>1</NoncurrentDays><StorageClass>GLACIER</StorageClass><NewerNoncurrentVersions>{count}</NewerNoncurrentVersions></NoncurrentVersionTransition>",
            S3ErrorCode.InvalidArgument);
    }

    [Theory]
    [InlineData(100, 100)]
    [InlineData(200, 100)]
    public void Size_greater_than_not_below_size_less_than_is_invalid_argument(long greater, long less) =>
        RejectedRule(Expire, S3ErrorCode.InvalidArgument,
            filter: $"<Filter><And><ObjectSizeGreaterThan>{greater}</ObjectSizeGreaterThan><ObjectSizeLessThan>{less}</ObjectSizeLessThan></And></Filter>");

    [Theory]
    [InlineData("<Filter><ObjectSizeGreaterThan>-1</ObjectSizeGreaterThan></Filter>")]
    [InlineData("<Filter><ObjectSizeLessThan>0</ObjectSizeLessThan></Filter>")]
    [InlineData("<Filter><And><Tag><Key>k</Key><Value>1</Value></Tag><Tag><Key>k</Key><Value>2</Value></Tag></And></Filter>")]
    [InlineData("<Filter><Tag><Key></Key><Value>1</Value></Tag></Filter>")]
    public void Filter_values_out_of_range_are_invalid_argument(string filter) =>
        RejectedRule(Expire, S3ErrorCode.InvalidArgument, filter: filter);

    [Fact]
    public void Tag_key_longer_than_128_is_invalid_argument() =>
        RejectedRule(Expire, S3ErrorCode.InvalidArgument, filter: $"<Filter><Tag><Key>{new string('k', 129)}</Key><Value>v</Value></Tag></Filter>");

    [Fact]
    public void Malformed_messages_keep_the_aws_wording_and_say_what_is_wrong()
    {
        var e = Rejected(Config(Rule(Expire + "<Bogus/>")), S3ErrorCode.MalformedXML);
        Assert.StartsWith(S3ErrorCode.MalformedXML.DefaultMessage, e.Message);
        Assert.Contains("<Bogus>", e.Message);
    }

    [Fact]
    public void Validator_rejects_a_programmatic_rule_with_legacy_prefix_and_tags()
    {
        var config = new LifecycleConfiguration([new LifecycleRule
        {
            Id = "x", LegacyPrefix = true, Expiration = new LifecycleExpiration(Days: 1),
            Filter = new LifecycleFilter { Prefix = "a/", Tags = [new LifecycleTag("k", "v")] },
        }]);
        var e = Assert.Throws<S3Exception>(() => LifecycleValidator.Validate(config));
        Assert.Equal("MalformedXML", e.Code.Code);
    }
}
