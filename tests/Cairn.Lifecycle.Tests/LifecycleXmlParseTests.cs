using System.Text;
using static Cairn.Lifecycle.Tests.Xml;

namespace Cairn.Lifecycle.Tests;

public sealed class LifecycleXmlParseTests
{
    private const string Full = """
        <?xml version="1.0" encoding="UTF-8"?>
        <LifecycleConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
          <Rule>
            <ID>archive logs</ID>
            <Filter>
              <And>
                <Prefix>logs/</Prefix>
                <Tag><Key>team</Key><Value>infra</Value></Tag>
                <Tag><Key>keep</Key><Value></Value></Tag>
                <ObjectSizeGreaterThan>1024</ObjectSizeGreaterThan>
                <ObjectSizeLessThan>1073741824</ObjectSizeLessThan>
              </And>
            </Filter>
            <Status>Enabled</Status>
            <Transition><Days>30</Days><StorageClass>STANDARD_IA</StorageClass></Transition>
            <Transition><Days>90</Days><StorageClass>GLACIER</StorageClass></Transition>
            <Transition><Days>180</Days><StorageClass>DEEP_ARCHIVE</StorageClass></Transition>
            <Expiration><Days>365</Days></Expiration>
            <NoncurrentVersionTransition><NoncurrentDays>30</NoncurrentDays><StorageClass>ONEZONE_IA</StorageClass><NewerNoncurrentVersions>2</NewerNoncurrentVersions></NoncurrentVersionTransition>
            <NoncurrentVersionTransition><NoncurrentDays>60</NoncurrentDays><StorageClass>GLACIER</StorageClass></NoncurrentVersionTransition>
            <NoncurrentVersionExpiration><NoncurrentDays>120</NoncurrentDays><NewerNoncurrentVersions>5</NewerNoncurrentVersions></NoncurrentVersionExpiration>
          </Rule>
          <Rule>
            <ID>dated</ID>
            <Filter><Tag><Key>project</Key><Value>apollo</Value></Tag></Filter>
            <Status>Disabled</Status>
            <Transition><Date>2030-01-01T00:00:00.000Z</Date><StorageClass>GLACIER_IR</StorageClass></Transition>
            <Expiration><Date>2031-06-01T00:00:00Z</Date></Expiration>
          </Rule>
          <Rule>
            <ID>markers and uploads</ID>
            <Prefix>tmp/</Prefix>
            <Status>Enabled</Status>
            <Expiration><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration>
            <AbortIncompleteMultipartUpload><DaysAfterInitiation>7</DaysAfterInitiation></AbortIncompleteMultipartUpload>
          </Rule>
          <Rule>
            <ID>big objects</ID>
            <Filter><ObjectSizeGreaterThan>5000000</ObjectSizeGreaterThan></Filter>
            <Status>Enabled</Status>
            <Transition><Days>0</Days><StorageClass>INTELLIGENT_TIERING</StorageClass></Transition>
          </Rule>
        </LifecycleConfiguration>
        """;

    [Fact]
    public void Full_configuration_parses_every_element()
    {
        var rules = Parse(Full).Rules;
        Assert.Equal(4, rules.Count);

        var logs = rules[0];
        Assert.Equal("archive logs", logs.Id);
        Assert.Equal(RuleStatus.Enabled, logs.Status);
        Assert.Equal("logs/", logs.Filter.Prefix);
        Assert.Equal([new LifecycleTag("team", "infra"), new LifecycleTag("keep", "")], logs.Filter.Tags);
        Assert.Equal(1024, logs.Filter.ObjectSizeGreaterThan);
        Assert.Equal(1073741824, logs.Filter.ObjectSizeLessThan);
        Assert.Equal([new Transition("STANDARD_IA", 30), new Transition("GLACIER", 90), new Transition("DEEP_ARCHIVE", 180)], logs.Transitions);
        Assert.Equal(new LifecycleExpiration(Days: 365), logs.Expiration);
        Assert.Equal([new NoncurrentVersionTransition("ONEZONE_IA", 30, 2), new NoncurrentVersionTransition("GLACIER", 60)], logs.NoncurrentVersionTransitions);
        Assert.Equal(new NoncurrentVersionExpiration(120, 5), logs.NoncurrentVersionExpiration);
        Assert.Null(logs.AbortIncompleteMultipartUpload);

        var dated = rules[1];
        Assert.Equal(RuleStatus.Disabled, dated.Status);
        Assert.Equal(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero), Assert.Single(dated.Transitions).Date);
        Assert.Equal(new DateTimeOffset(2031, 6, 1, 0, 0, 0, TimeSpan.Zero), dated.Expiration!.Date);

        var markers = rules[2];
        Assert.True(markers.LegacyPrefix);
        Assert.Equal("tmp/", markers.Filter.Prefix);
        Assert.True(markers.Expiration!.ExpiredObjectDeleteMarker);
        Assert.Equal(7, markers.AbortIncompleteMultipartUpload!.DaysAfterInitiation);

        Assert.Equal(new Transition("INTELLIGENT_TIERING", 0), Assert.Single(rules[3].Transitions));
    }

    [Fact]
    public void Write_then_parse_round_trips_the_full_configuration()
    {
        var first = Parse(Full);
        var written = LifecycleXml.Write(first);
        var again = Parse(written);
        Assert.Equal(written, LifecycleXml.Write(again));
        Assert.Equal(first.Rules.Select(r => r.Id), again.Rules.Select(r => r.Id));
        Assert.Equal(first.Rules[0].Filter.Tags, again.Rules[0].Filter.Tags);
        Assert.True(again.Rules[2].LegacyPrefix);
    }

    [Fact]
    public void Write_uses_the_S3_namespace_and_AWS_element_order()
    {
        var written = LifecycleXml.Write(Parse(Config(Rule(
            "<AbortIncompleteMultipartUpload><DaysAfterInitiation>3</DaysAfterInitiation></AbortIncompleteMultipartUpload>"
            + "<Expiration><Days>400</Days></Expiration><Transition><Days>30</Days><StorageClass>STANDARD_IA</StorageClass></Transition>",
            filter: "<Filter><Prefix>logs/</Prefix></Filter>"))));
        Assert.StartsWith("<?xml version=\"1.0\" encoding=\"utf-8\"?>", written, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("<LifecycleConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Rule><ID>r1</ID>"
            + "<Filter><Prefix>logs/</Prefix></Filter><Status>Enabled</Status>"
            + "<Transition><Days>30</Days><StorageClass>STANDARD_IA</StorageClass></Transition>"
            + "<Expiration><Days>400</Days></Expiration>"
            + "<AbortIncompleteMultipartUpload><DaysAfterInitiation>3</DaysAfterInitiation></AbortIncompleteMultipartUpload></Rule>",
            written);
    }

    [Fact]
    public void Write_renders_dates_as_ISO_8601_midnight_UTC()
    {
        var written = LifecycleXml.Write(Parse(Config(Rule("<Expiration><Date>2030-01-01T00:00:00Z</Date></Expiration>"))));
        Assert.Contains("<Expiration><Date>2030-01-01T00:00:00.000Z</Date></Expiration>", written);
    }

    [Fact]
    public void Write_uses_And_only_for_more_than_one_condition()
    {
        var one = LifecycleXml.Write(Parse(Config(Rule("<Expiration><Days>1</Days></Expiration>",
            filter: "<Filter><Tag><Key>a</Key><Value>b</Value></Tag></Filter>"))));
        Assert.Contains("<Filter><Tag><Key>a</Key><Value>b</Value></Tag></Filter>", one);

        var two = LifecycleXml.Write(Parse(Config(Rule("<Expiration><Days>1</Days></Expiration>",
            filter: "<Filter><And><Prefix>p/</Prefix><ObjectSizeLessThan>10</ObjectSizeLessThan></And></Filter>"))));
        Assert.Contains("<Filter><And><Prefix>p/</Prefix><ObjectSizeLessThan>10</ObjectSizeLessThan></And></Filter>", two);
    }

    [Fact]
    public void Aws_cli_body_parses()
    {
        var body = "<LifecycleConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Rule><ID>logs-rule</ID>"
            + "<Filter><Prefix>logs/</Prefix></Filter><Status>Enabled</Status>"
            + "<Transition><Days>30</Days><StorageClass>STANDARD_IA</StorageClass></Transition>"
            + "<Transition><Days>90</Days><StorageClass>GLACIER</StorageClass></Transition>"
            + "<Expiration><Days>365</Days></Expiration></Rule></LifecycleConfiguration>";
        var rule = Assert.Single(Parse(body).Rules);
        Assert.Equal("logs-rule", rule.Id);
        Assert.Equal("logs/", rule.Filter.Prefix);
        Assert.Equal(2, rule.Transitions.Count);
    }

    [Fact]
    public void Sdk_alphabetical_element_order_parses()
    {
        // The SDKs serialise members alphabetically: Expiration before ID, Filter before Status.
        var body = "<LifecycleConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Rule>"
            + "<Expiration><Days>10</Days></Expiration><Filter><Prefix></Prefix></Filter><ID>x</ID><Status>Enabled</Status>"
            + "</Rule></LifecycleConfiguration>";
        Assert.Equal(10, Assert.Single(Parse(body).Rules).Expiration!.Days);
    }

    [Theory]
    [InlineData("<Filter><Prefix></Prefix></Filter>", "")]
    [InlineData("<Filter></Filter>", null)]
    [InlineData("<Filter/>", null)]
    [InlineData("<Prefix></Prefix>", "")]
    public void Empty_filters_select_all_objects(string filter, string? prefix)
    {
        var rule = ParseRule("<Expiration><Days>1</Days></Expiration>", filter);
        Assert.Equal(prefix, rule.Filter.Prefix);
        Assert.True(rule.Filter.Matches("any/key", 5, new Dictionary<string, string>()));
    }

    [Fact]
    public void Body_without_namespace_parses()
    {
        var body = "<LifecycleConfiguration><Rule><ID>a</ID><Filter/><Status>Enabled</Status>"
            + "<Expiration><Days>1</Days></Expiration></Rule></LifecycleConfiguration>";
        Assert.Single(Parse(body).Rules);
    }

    [Fact]
    public void Byte_array_overload_parses()
    {
        var config = LifecycleXml.Parse(Encoding.UTF8.GetBytes(Config(Rule("<Expiration><Days>1</Days></Expiration>"))));
        Assert.Single(config.Rules);
    }

    [Fact]
    public void Prefix_whitespace_is_kept()
    {
        var rule = ParseRule("<Expiration><Days>1</Days></Expiration>", "<Filter><Prefix> a </Prefix></Filter>");
        Assert.Equal(" a ", rule.Filter.Prefix);
    }

    [Fact]
    public void Prefix_and_tags_with_control_characters_and_CR_survive_write_and_parse_again()
    {
        // No ID: the generated one is derived from the rule's text, control characters included.
        const string filter = "<Filter><And><Prefix> a&#x1;&#xD;\n</Prefix><Tag><Key> k&#xD;</Key><Value>&#x1F; </Value></Tag></And></Filter>";
        var config = Parse(Config($"<Rule>{filter}<Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>"));
        var rule = Assert.Single(config.Rules);
        Assert.Equal(" a\u0001\r\n", rule.Filter.Prefix);
        Assert.Equal(new LifecycleTag(" k\r", "\u001F "), Assert.Single(rule.Filter.Tags));

        var written = LifecycleXml.Write(config);
        Assert.DoesNotContain('\u0001', written);
        Assert.DoesNotContain('\r', written);
        var again = Assert.Single(Parse(written).Rules);
        Assert.Equal((rule.Id, rule.Filter.Prefix), (again.Id, again.Filter.Prefix));
        Assert.Equal(rule.Filter.Tags, again.Filter.Tags);
    }

    [Fact]
    public void Tag_without_value_matches_an_empty_value()
    {
        var rule = ParseRule("<Expiration><Days>1</Days></Expiration>", "<Filter><Tag><Key>k</Key></Tag></Filter>");
        Assert.Equal(new LifecycleTag("k", ""), Assert.Single(rule.Filter.Tags));
    }

    [Fact]
    public void Missing_ids_are_generated_unique_and_stable()
    {
        var body = Config(
            "<Rule><Filter><Prefix>a/</Prefix></Filter><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>",
            "<Rule><Filter><Prefix>a/</Prefix></Filter><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>",
            "<Rule><ID></ID><Filter><Prefix>b/</Prefix></Filter><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>");
        var ids = Parse(body).Rules.Select(r => r.Id).ToList();
        Assert.All(ids, id => Assert.False(string.IsNullOrEmpty(id)));
        Assert.Equal(3, ids.Distinct().Count());
        Assert.Equal(ids, Parse(body).Rules.Select(r => r.Id));
    }

    [Fact]
    public void Generated_id_round_trips_through_write()
    {
        var config = Parse(Config("<Rule><Filter/><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>"));
        var again = Parse(LifecycleXml.Write(config));
        Assert.Equal(config.Rules[0].Id, again.Rules[0].Id);
    }

    [Fact]
    public void Expired_object_delete_marker_alone_is_an_action()
    {
        var rule = ParseRule("<Expiration><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration>");
        Assert.True(rule.Expiration!.ExpiredObjectDeleteMarker);
    }

    [Fact]
    public void Transitions_at_day_zero_are_allowed_for_archive_classes()
    {
        var rule = ParseRule("<Transition><Days>0</Days><StorageClass>GLACIER</StorageClass></Transition>");
        Assert.Equal(0, rule.Transitions[0].Days);
    }

    [Fact]
    public void Ia_transition_at_exactly_30_days_is_allowed()
    {
        var rule = ParseRule("<NoncurrentVersionTransition><NoncurrentDays>30</NoncurrentDays><StorageClass>STANDARD_IA</StorageClass></NoncurrentVersionTransition>");
        Assert.Equal(30, rule.NoncurrentVersionTransitions[0].NoncurrentDays);
    }

    [Fact]
    public void Thousand_rules_are_allowed()
    {
        var rules = Enumerable.Range(0, 1000).Select(i => Rule("<Expiration><Days>1</Days></Expiration>", id: "r" + i)).ToArray();
        Assert.Equal(1000, Parse(Config(rules)).Rules.Count);
    }

    [Fact]
    public void Date_with_utc_offset_at_midnight_utc_is_allowed()
    {
        var rule = ParseRule("<Expiration><Date>2030-01-01T02:00:00+02:00</Date></Expiration>");
        Assert.Equal(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero), rule.Expiration!.Date);
    }
}
