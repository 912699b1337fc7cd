using System.Net;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using Cairn.Testing;

namespace Cairn.FrontDoor.Tests;

/// <summary>Put, Get and DeleteBucketLifecycleConfiguration over HTTP: stored as S3 returns it, refused whole when invalid.</summary>
public sealed class LifecycleConfigurationTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const string Valid = """
        <LifecycleConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
          <Rule><ID>archive</ID><Filter><Prefix>logs/</Prefix></Filter><Status>Enabled</Status>
            <Transition><Days>30</Days><StorageClass>STANDARD_IA</StorageClass></Transition>
            <Expiration><Days>365</Days></Expiration></Rule>
        </LifecycleConfiguration>
        """;

    [Fact]
    public async Task A_configuration_round_trips_and_deleting_it_leaves_none()
    {
        var bucket = await NewBucketAsync();
        using var http = new SignedHttp(fixture.Server);
        var missing = await http.SendAsync(HttpMethod.Get, $"/{bucket}?lifecycle");
        Assert.Equal((404, "NoSuchLifecycleConfiguration"), await SignedHttp.ErrorOf(missing));

        var put = await http.SendAsync(HttpMethod.Put, $"/{bucket}?lifecycle", Xml(Valid));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal("all_storage_classes_128K", put.Headers.GetValues("x-amz-transition-default-minimum-object-size").Single());

        var sdk = await fixture.S3.GetLifecycleConfigurationAsync(bucket);
        var rule = Assert.Single(sdk.Configuration.Rules);
        Assert.Equal("archive", rule.Id);
        Assert.Equal(LifecycleRuleStatus.Enabled, rule.Status);
        Assert.Equal(30, Assert.Single(rule.Transitions).Days);
        Assert.Equal(365, rule.Expiration.Days);

        var delete = await http.SendAsync(HttpMethod.Delete, $"/{bucket}?lifecycle");
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Equal((404, "NoSuchLifecycleConfiguration"), await SignedHttp.ErrorOf(await http.SendAsync(HttpMethod.Get, $"/{bucket}?lifecycle")));
    }

    [Theory]
    [InlineData("<LifecycleConfiguration></LifecycleConfiguration>", "MalformedXML")]
    [InlineData("<LifecycleConfiguration><Rule><ID>a</ID><Filter/><Status>Enabled</Status>", "MalformedXML")]
    [InlineData("<LifecycleConfiguration><Rule><ID>a</ID><Filter/><Status>On</Status><Expiration><Days>1</Days></Expiration></Rule></LifecycleConfiguration>", "MalformedXML")]
    [InlineData("<LifecycleConfiguration><Rule><ID>a</ID><Filter/><Status>Enabled</Status></Rule></LifecycleConfiguration>", "InvalidRequest")]
    [InlineData("<LifecycleConfiguration><Rule><ID>a</ID><Filter/><Status>Enabled</Status><Transition><Days>10</Days><StorageClass>STANDARD_IA</StorageClass></Transition></Rule></LifecycleConfiguration>", "InvalidArgument")]
    [InlineData("<LifecycleConfiguration><Rule><ID>a</ID><Filter/><Status>Enabled</Status><Transition><Days>90</Days><StorageClass>GLACIER</StorageClass></Transition><Expiration><Days>30</Days></Expiration></Rule></LifecycleConfiguration>", "InvalidArgument")]
    [InlineData("<LifecycleConfiguration><Rule><ID>a</ID><Filter/><Status>Enabled</Status><Expiration><Days>0</Days></Expiration></Rule></LifecycleConfiguration>", "InvalidArgument")]
    [InlineData("<LifecycleConfiguration><Rule><ID>a</ID><Filter/><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule><Rule><ID>a</ID><Filter/><Status>Enabled</Status><Expiration><Days>2</Days></Expiration></Rule></LifecycleConfiguration>", "InvalidArgument")]
    [InlineData("<LifecycleConfiguration><Rule><ID>a</ID><Filter><Tag><Key>k</Key><Value>v</Value></Tag></Filter><Status>Enabled</Status><AbortIncompleteMultipartUpload><DaysAfterInitiation>7</DaysAfterInitiation></AbortIncompleteMultipartUpload></Rule></LifecycleConfiguration>", "InvalidRequest")]
    public async Task Invalid_configurations_are_refused_and_the_previous_one_is_kept(string xml, string code)
    {
        var bucket = await NewBucketAsync();
        using var http = new SignedHttp(fixture.Server);
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(HttpMethod.Put, $"/{bucket}?lifecycle", Xml(Valid))).StatusCode);
        var refused = await http.SendAsync(HttpMethod.Put, $"/{bucket}?lifecycle", Xml(xml));
        Assert.Equal((400, code), await SignedHttp.ErrorOf(refused));
        Assert.Equal("archive", Assert.Single((await fixture.S3.GetLifecycleConfigurationAsync(bucket)).Configuration.Rules).Id);
    }

    [Fact]
    public async Task An_unknown_transition_size_floor_and_a_missing_bucket_are_refused()
    {
        var bucket = await NewBucketAsync();
        using var http = new SignedHttp(fixture.Server);
        var badFloor = await http.SendAsync(HttpMethod.Put, $"/{bucket}?lifecycle", Xml(Valid),
            r => r.Headers.Add("x-amz-transition-default-minimum-object-size", "tiny"));
        Assert.Equal((400, "InvalidArgument"), await SignedHttp.ErrorOf(badFloor));
        var noBucket = await http.SendAsync(HttpMethod.Put, $"/{ServerFixture.NewBucketName("none")}?lifecycle", Xml(Valid));
        Assert.Equal((404, "NoSuchBucket"), await SignedHttp.ErrorOf(noBucket));
    }

    [Fact]
    public async Task Filter_prefix_and_tag_text_round_trip_exactly()
    {
        var bucket = await NewBucketAsync();
        using var http = new SignedHttp(fixture.Server);
        const string prefix = " logs\u0001\r\n/";
        var rule = $"<Rule><ID> id </ID><Filter><And><Prefix>{RawXml.Text(prefix)}</Prefix><Tag><Key> k </Key><Value> </Value></Tag></And></Filter>" +
                   "<Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>";
        var put = await http.SendAsync(HttpMethod.Put, $"/{bucket}?lifecycle", Xml($"<LifecycleConfiguration>{rule}</LifecycleConfiguration>"));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        var raw = await (await http.SendAsync(HttpMethod.Get, $"/{bucket}?lifecycle")).Content.ReadAsStringAsync();
        Assert.Matches("logs&#x1;(&#xD;|&#13;)\n/", raw);
        var stored = RawXml.Parse(raw);
        Assert.Equal(" id ", RawXml.Value(stored, "ID"));
        Assert.Equal(prefix, RawXml.Value(stored, "Prefix"));
        Assert.Equal(" k ", RawXml.Value(stored, "Key"));
        Assert.Equal(" ", RawXml.Value(stored, "Value"));
    }

    private static ByteArrayContent Xml(string xml) => SignedHttp.Xml(xml);

    private async Task<string> NewBucketAsync()
    {
        var bucket = ServerFixture.NewBucketName("lc");
        await fixture.S3.PutBucketAsync(bucket);
        return bucket;
    }
}
