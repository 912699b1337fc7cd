using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Cairn.Testing;

namespace Cairn.System.Tests;

/// <summary>
/// `--log-format json`: every line the server writes is one JSON object, and each request has its line under
/// Cairn.Requests with the same request id as its x-amz-request-id header and its error XML.
/// </summary>
public sealed partial class RequestLogTests : IAsyncLifetime
{
    private ServerProcess server = null!;

    public async Task InitializeAsync() => server = await ServerProcess.StartAsync("--log-format", "json");

    public async Task DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public async Task An_error_names_the_same_request_id_in_its_header_its_xml_and_its_log_line()
    {
        using var http = new SignedHttp(server);
        var bucket = ServerFixture.NewBucketName("log");
        using var response = await http.SendAsync(HttpMethod.Get, $"/{bucket}/some-key");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var id = response.Headers.GetValues("x-amz-request-id").Single();
        Assert.Matches(S3RequestId(), id);
        var id2 = response.Headers.GetValues("x-amz-id-2").Single();
        Assert.NotEmpty(Convert.FromBase64String(id2));
        var xml = XDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("NoSuchBucket", xml.Root!.Element("Code")!.Value);
        Assert.Equal(id, xml.Root!.Element("RequestId")!.Value);

        var state = await RequestLineAsync(id);
        Assert.Equal("GetObject", state.GetProperty("Operation").GetString());
        Assert.Equal(bucket, state.GetProperty("Bucket").GetString());
        Assert.Equal("some-key", state.GetProperty("Key").GetString());
        Assert.Equal("404", state.GetProperty("Status").ToString());
        Assert.Equal("NoSuchBucket", state.GetProperty("ErrorCode").GetString());
        Assert.Equal("127.0.0.1", state.GetProperty("RemoteAddress").GetString());
        Assert.EndsWith(":root", state.GetProperty("Caller").GetString());
        Assert.True(double.Parse(state.GetProperty("DurationMs").ToString(), global::System.Globalization.CultureInfo.InvariantCulture) >= 0);
    }

    [Fact]
    public async Task A_put_logs_its_bytes_and_every_line_is_one_json_object()
    {
        using var s3 = server.Client();
        var bucket = ServerFixture.NewBucketName("log");
        await s3.PutBucketAsync(bucket);
        var put = await s3.PutObjectAsync(new Amazon.S3.Model.PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = new string('x', 5000) });
        var id = put.ResponseMetadata.RequestId;
        Assert.Matches(S3RequestId(), id);
        var state = await RequestLineAsync(id);
        Assert.Equal("PutObject", state.GetProperty("Operation").GetString());
        Assert.Equal("200", state.GetProperty("Status").ToString());
        Assert.True(long.Parse(state.GetProperty("BytesIn").ToString(), global::System.Globalization.CultureInfo.InvariantCulture) >= 5000);
        Assert.Equal(JsonValueKind.Null, state.GetProperty("ErrorCode").ValueKind);

        // Ids are unique on the node.
        var ids = new HashSet<string>();
        for (var i = 0; i < 50; i++) Assert.True(ids.Add((await s3.GetObjectMetadataAsync(bucket, "k")).ResponseMetadata.RequestId));

        foreach (var line in server.Log.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            using var document = JsonDocument.Parse(line);
            Assert.True(document.RootElement.TryGetProperty("Category", out _), line);
        }
    }

    /// <summary>The State of the Cairn.Requests line of a request, once the console logger wrote it.</summary>
    private async Task<JsonElement> RequestLineAsync(string requestId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            foreach (var line in server.Log.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                using var document = JsonDocument.Parse(line);
                var root = document.RootElement;
                if (root.GetProperty("Category").GetString() == "Cairn.Requests" && root.GetProperty("State").GetProperty("RequestId").GetString() == requestId)
                {
                    Assert.Equal("Information", root.GetProperty("LogLevel").GetString());
                    return root.GetProperty("State").Clone();
                }
            }
            Assert.True(DateTime.UtcNow < deadline, $"no request line for {requestId}:\n{server.Log}");
            await Task.Delay(100);
        }
    }

    [GeneratedRegex("^[0-9A-F]{16}$")]
    private static partial Regex S3RequestId();
}
