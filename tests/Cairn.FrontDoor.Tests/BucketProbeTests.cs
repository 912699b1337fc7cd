using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using Cairn.Testing;

namespace Cairn.FrontDoor.Tests;

/// <summary>
/// The bucket settings clients probe and Cairn does not offer, answered as AWS answers a bucket without them: Requester
/// Pays and Transfer Acceleration. Asking for either is 501, never accepted and ignored.
/// </summary>
public sealed class BucketProbeTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private AmazonS3Client S3 => fixture.S3;

    [Fact]
    public async Task The_bucket_owner_pays_and_asking_for_Requester_Pays_is_NotImplemented()
    {
        var bucket = await NewBucketAsync();
        Assert.Equal(Payer.BucketOwner, (await S3.GetBucketRequestPaymentAsync(new GetBucketRequestPaymentRequest { BucketName = bucket })).Payer);
        await S3.PutBucketRequestPaymentAsync(new PutBucketRequestPaymentRequest
        {
            BucketName = bucket, RequestPaymentConfiguration = new RequestPaymentConfiguration { Payer = Payer.BucketOwner },
        });
        var refused = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => S3.PutBucketRequestPaymentAsync(new PutBucketRequestPaymentRequest
        {
            BucketName = bucket, RequestPaymentConfiguration = new RequestPaymentConfiguration { Payer = Payer.Requester },
        }));
        Assert.Equal(("NotImplemented", HttpStatusCode.NotImplemented), (refused.ErrorCode, refused.StatusCode));
        Assert.Equal(Payer.BucketOwner, (await S3.GetBucketRequestPaymentAsync(new GetBucketRequestPaymentRequest { BucketName = bucket })).Payer);

        using var http = new SignedHttp(fixture.Server);
        using var get = await http.SendAsync(HttpMethod.Get, $"/{bucket}?requestPayment");
        var root = StrictXml.Root(await get.Content.ReadAsStringAsync(), "RequestPaymentConfiguration");
        Assert.Equal(["Payer"], StrictXml.Names(root));
        Assert.Equal("BucketOwner", root.Value);
    }

    [Fact]
    public async Task Acceleration_is_an_empty_configuration_that_may_be_suspended_but_not_enabled()
    {
        var bucket = await NewBucketAsync();
        using var http = new SignedHttp(fixture.Server);
        using (var empty = await http.SendAsync(HttpMethod.Get, $"/{bucket}?accelerate"))
            Assert.Empty(StrictXml.Names(StrictXml.Root(await empty.Content.ReadAsStringAsync(), "AccelerateConfiguration")));
        Assert.Null((await S3.GetBucketAccelerateConfigurationAsync(new GetBucketAccelerateConfigurationRequest { BucketName = bucket })).Status);

        var enable = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => S3.PutBucketAccelerateConfigurationAsync(new PutBucketAccelerateConfigurationRequest
        {
            BucketName = bucket, AccelerateConfiguration = new AccelerateConfiguration { Status = BucketAccelerateStatus.Enabled },
        }));
        Assert.Equal(("NotImplemented", HttpStatusCode.NotImplemented), (enable.ErrorCode, enable.StatusCode));

        await S3.PutBucketAccelerateConfigurationAsync(new PutBucketAccelerateConfigurationRequest
        {
            BucketName = bucket, AccelerateConfiguration = new AccelerateConfiguration { Status = BucketAccelerateStatus.Suspended },
        });
        Assert.Equal(BucketAccelerateStatus.Suspended, (await S3.GetBucketAccelerateConfigurationAsync(new GetBucketAccelerateConfigurationRequest { BucketName = bucket })).Status);
        using var get = await http.SendAsync(HttpMethod.Get, $"/{bucket}?accelerate");
        var root = StrictXml.Root(await get.Content.ReadAsStringAsync(), "AccelerateConfiguration");
        Assert.Equal(["Status"], StrictXml.Names(root));
        Assert.Equal("Suspended", root.Value);
    }

    [Theory]
    [InlineData("?requestPayment", "<RequestPaymentConfiguration><Payer>Nobody</Payer></RequestPaymentConfiguration>")]
    [InlineData("?requestPayment", "<AccelerateConfiguration><Status>Suspended</Status></AccelerateConfiguration>")]
    [InlineData("?accelerate", "<AccelerateConfiguration><Status>Fast</Status></AccelerateConfiguration>")]
    public async Task A_configuration_that_is_not_one_is_MalformedXML(string query, string body)
    {
        var bucket = await NewBucketAsync();
        using var http = new SignedHttp(fixture.Server);
        using var response = await http.SendAsync(HttpMethod.Put, $"/{bucket}{query}", RawXml.Body(body));
        Assert.Equal((400, "MalformedXML"), await SignedHttp.ErrorOf(response));
    }

    [Fact]
    public async Task Probing_a_missing_bucket_is_NoSuchBucket()
    {
        using var http = new SignedHttp(fixture.Server);
        var absent = ServerFixture.NewBucketName("absent");
        foreach (var query in new[] { "?requestPayment", "?accelerate", "?location" })
        {
            using var response = await http.SendAsync(HttpMethod.Get, $"/{absent}{query}");
            Assert.Equal((404, "NoSuchBucket"), await SignedHttp.ErrorOf(response));
        }
    }

    private async Task<string> NewBucketAsync()
    {
        var bucket = ServerFixture.NewBucketName("probe");
        await S3.PutBucketAsync(bucket);
        return bucket;
    }
}
