using System.Net;
using System.Text;
using Cairn.Testing;

namespace Cairn.FrontDoor.Tests;

/// <summary>
/// The check every test's XML responses go through (S3XmlValidation): shapes S3 does not have, and roots no schema
/// declares, fail the request with a message naming the request, the schema's complaint and the body, and are recorded.
/// </summary>
public sealed class S3XmlValidationTests
{
    private const string Ns = "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"";

    [Theory]
    [InlineData($"<Tagging {Ns}><TagSet><Tag><Key>a</Key><Value>1</Value></Tag></TagSet></Tagging>")]
    [InlineData($"<AccelerateConfiguration {Ns}/>")]
    [InlineData($"<LegalHold {Ns}><Status>ON</Status></LegalHold>")]
    [InlineData("<Error><Code>NoSuchKey</Code><Message>m</Message><Key>k</Key><RequestId>r</RequestId></Error>")]
    public void Documents_in_S3s_shapes_pass(string body) => Assert.Empty(S3Schema.Problems(body));

    [Theory]
    [InlineData($"<NoSuchShape {Ns}/>")]                                                          // a root no schema declares
    [InlineData("<Tagging><TagSet/></Tagging>")]                                                   // outside S3's namespace
    [InlineData($"<Tagging {Ns}><TagSet><Tag><Value>1</Value><Key>a</Key></Tag></TagSet></Tagging>")] // wrong order
    [InlineData($"<RequestPaymentConfiguration {Ns}><Payer>Anyone</Payer></RequestPaymentConfiguration>")]
    [InlineData("<Error><Code>NoSuchKey</Code><Message>m</Message><RequestId>r</RequestId><Key>k</Key></Error>")]
    [InlineData("<Error><Code>")]
    public void Documents_not_in_S3s_shapes_fail(string body) => Assert.NotEmpty(S3Schema.Problems(body));

    [Fact]
    public async Task A_response_out_of_shape_fails_the_request_clearly_and_is_recorded()
    {
        var validation = new S3XmlValidation();
        using var http = new HttpClient(validation.Handler(new Canned($"<Tagging {Ns}><Oops/></Tagging>")));
        var failure = await Assert.ThrowsAsync<S3XmlShapeException>(() => http.GetAsync("http://127.0.0.1/b?tagging"));
        Assert.Contains("GET /b?tagging → 200", failure.Message);
        Assert.Contains("Oops", failure.Message);
        Assert.Single(validation.Failures);
        Assert.Throws<S3XmlShapeException>(validation.ThrowIfAny);

        // An object's own bytes are not S3's XML, whatever their type.
        var objects = new S3XmlValidation();
        using var get = new HttpClient(objects.Handler(new Canned("<not-s3/>", objectBytes: true)));
        using var _ = await get.GetAsync("http://127.0.0.1/b/k.xml");
        objects.ThrowIfAny();
    }

    private sealed class Canned(string body, bool objectBytes = false) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/xml"), RequestMessage = request };
            if (objectBytes) response.Headers.AcceptRanges.Add("bytes");
            return Task.FromResult(response);
        }
    }
}
