using System.Net;
using System.Text;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Cairn.Core.Checksums;

namespace Cairn.Auth.Tests;

/// <summary>
/// The real AWS SDK for .NET (the client whose uploads sit on the hot path) signs requests with a known
/// secret; a message handler hands each one to the verifier and decodes the payload, no network involved.
/// </summary>
public sealed class AwsSdkTests
{
    private sealed record Seen(string Method, string Path, AuthResult Auth, byte[] Payload, IReadOnlyDictionary<string, string> Trailers);

    private sealed class VerifyingHandler(SigV4Verifier verifier) : HttpMessageHandler
    {
        public List<Seen> Requests { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage message, CancellationToken cancellationToken)
        {
            Stream? body = message.Content is null ? null : await message.Content.ReadAsStreamAsync(cancellationToken);
            var request = await Http.FromMessage(message, body);
            var auth = verifier.Authenticate(request) ?? throw new InvalidOperationException("anonymous");
            await using var payload = verifier.OpenPayload(request, auth);
            var data = await Http.ReadAll(payload, 16 * 1024);
            Requests.Add(new Seen(message.Method.Method, message.RequestUri!.AbsolutePath, auth, data, payload.Trailers));

            var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent([]) };
            response.Headers.ETag = new System.Net.Http.Headers.EntityTagHeaderValue("\"0123456789abcdef0123456789abcdef\"");
            return response;
        }
    }

    private sealed class Factory(HttpMessageHandler handler) : HttpClientFactory
    {
        public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new(handler, disposeHandler: false);
        public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;
        public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;
    }

    private static (AmazonS3Client Client, VerifyingHandler Handler) Client(string serviceUrl, Action<AmazonS3Config>? configure = null)
    {
        var handler = new VerifyingHandler(new SigV4Verifier(new Credentials(("AKIDTEST", "test/secret+key")), TimeProvider.System));
        var config = new AmazonS3Config
        {
            ServiceURL = serviceUrl,
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            HttpClientFactory = new Factory(handler),
            MaxErrorRetry = 0,
        };
        configure?.Invoke(config);
        return (new AmazonS3Client(new BasicAWSCredentials("AKIDTEST", "test/secret+key"), config), handler);
    }

    private static string Crc32(byte[] data)
    {
        var crc = Cairn.Core.Checksums.ChecksumAlgorithm.Crc32.Create();
        crc.Append(data);
        return Convert.ToBase64String(crc.Finish());
    }

    [Theory]
    [InlineData("http://127.0.0.1:9000", 11)]
    [InlineData("http://127.0.0.1:9000", 100_000)]
    [InlineData("http://127.0.0.1:9000", 300_001)]
    [InlineData("https://127.0.0.1:9443", 100_000)]
    public async Task PutObject_default_settings(string serviceUrl, int length)
    {
        var data = new byte[length];
        new Random(length).NextBytes(data);
        var (client, handler) = Client(serviceUrl);
        await client.PutObjectAsync(new PutObjectRequest { BucketName = "bkt", Key = "dir/a b+c.bin", InputStream = new MemoryStream(data) });

        var seen = Assert.Single(handler.Requests);
        Assert.Equal("PUT", seen.Method);
        Assert.Equal(data, seen.Payload);
        Assert.Equal(length, seen.Auth.DecodedContentLength);
        // AWSSDK.S3 4.0.104.11 signs every chunk and the trailer over http and https alike.
        Assert.Equal(PayloadMode.StreamingSignedTrailer, seen.Auth.PayloadMode);
        Assert.Equal(Crc32(data), seen.Trailers["x-amz-checksum-crc32"]);
    }

    [Fact]
    public async Task PutObject_when_checksums_are_only_sent_when_required()
    {
        var (client, handler) = Client("http://127.0.0.1:9000", c => c.RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED);
        await client.PutObjectAsync(new PutObjectRequest { BucketName = "bkt", Key = "wr.txt", ContentBody = "hello world" });
        var seen = Assert.Single(handler.Requests);
        Assert.Equal(PayloadMode.StreamingSigned, seen.Auth.PayloadMode);
        Assert.Equal("hello world"u8.ToArray(), seen.Payload);
        Assert.NotNull(seen.Auth.Chunks);
    }

    [Fact]
    public async Task PutObject_without_chunk_encoding()
    {
        var (client, handler) = Client("http://127.0.0.1:9000");
        await client.PutObjectAsync(new PutObjectRequest { BucketName = "bkt", Key = "plain.txt", ContentBody = "hello world", UseChunkEncoding = false });
        var seen = Assert.Single(handler.Requests);
        Assert.Equal(PayloadMode.SignedSha256, seen.Auth.PayloadMode);
        Assert.Equal(Http.Sha256Hex("hello world"), seen.Auth.ExpectedSha256Hex);
        Assert.Equal("hello world"u8.ToArray(), seen.Payload);
    }

    [Fact]
    public async Task UploadPart_and_listing_requests()
    {
        var (client, handler) = Client("http://127.0.0.1:9000");
        var part = Encoding.ASCII.GetBytes(new string('x', 70_000));
        await client.UploadPartAsync(new UploadPartRequest
        {
            BucketName = "bkt", Key = "mp/obj", UploadId = "upload/1+2=3", PartNumber = 2, InputStream = new MemoryStream(part),
        });
        await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = "bkt", Prefix = "a/b c~*", Delimiter = "/", StartAfter = "ü" });

        Assert.Equal(2, handler.Requests.Count);
        Assert.Equal(part, handler.Requests[0].Payload);
        Assert.Equal(PayloadMode.SignedSha256, handler.Requests[1].Auth.PayloadMode);
    }

    [Fact]
    public async Task Sdk_presigned_urls_verify()
    {
        var (client, _) = Client("http://127.0.0.1:9000");
        var url = await client.GetPreSignedURLAsync(new GetPreSignedUrlRequest
        {
            BucketName = "bkt", Key = "some dir/ключ.txt", Verb = HttpVerb.GET, Expires = DateTime.UtcNow.AddMinutes(5), Protocol = Protocol.HTTP,
        });
        var verifier = new SigV4Verifier(new Credentials(("AKIDTEST", "test/secret+key")), TimeProvider.System);
        var request = await Http.FromMessage(new HttpRequestMessage(HttpMethod.Get, url));
        var auth = verifier.Authenticate(request)!;
        Assert.True(auth.IsPresigned);

        var tampered = await Http.FromMessage(new HttpRequestMessage(HttpMethod.Get, url.Replace("some%20dir", "some%20dix")));
        Http.Fails("SignatureDoesNotMatch", () => verifier.Authenticate(tampered));
    }
}
