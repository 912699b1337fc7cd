using System.IO.Hashing;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Cairn.Testing;

namespace Cairn.Clients.Tests;

/// <summary>
/// The AWS SDK for JavaScript v3 (@aws-sdk/client-s3, pinned in tests/js-sdk/package.json) with its default checksums:
/// CRC32 on every upload, a composite CRC32 over multipart, and presigned URLs that carry a checksum in their query
/// (verified as a header would be, so the default presigned PUT of a real body is BadDigest, as on AWS).
/// scripts/install-test-clients.sh installs node and the packages; the script prints what it saw as one JSON document.
/// </summary>
public sealed class JsSdkTests(ServerFixture fixture) : IClassFixture<ServerFixture>, IDisposable
{
    private const string Node = "/usr/bin/node";
    private readonly TempDir temp = new("cairn-js");

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task Default_checksums_of_the_js_sdk_are_verified_stored_and_reported_with_their_type()
    {
        var script = Path.Combine(ScriptFolder(), "checksums.mjs");
        var env = ExternalClients.Environment(temp.Sub("home"));
        env["CAIRN_ENDPOINT"] = fixture.Server.Endpoint;
        env["CAIRN_BUCKET"] = ServerFixture.NewBucketName("js");
        var result = (await ExternalClients.RunAsync(Node, [script], env)).Succeeded(fixture, "node checksums.mjs");
        var seen = JsonDocument.Parse(result.Stdout.Trim().Split('\n')[^1]).RootElement;

        var put = seen.GetProperty("put");
        Assert.Equal(Crc32("hello from the js sdk"), put.GetProperty("crc32").GetString());
        Assert.Equal(Crc32("hello from the js sdk"), put.GetProperty("getCrc32").GetString());
        Assert.Equal("FULL_OBJECT", put.GetProperty("getType").GetString());
        Assert.Equal("hello from the js sdk", put.GetProperty("body").GetString());

        var multipart = seen.GetProperty("multipart");
        var partSums = multipart.GetProperty("partCrc32").EnumerateArray().Select(p => Convert.FromBase64String(p.GetString()!)).ToArray();
        var composite = Convert.ToBase64String(BigEndianCrc32(partSums.SelectMany(p => p).ToArray())) + "-2";
        Assert.Equal(composite, multipart.GetProperty("completeCrc32").GetString());
        Assert.Equal("COMPOSITE", multipart.GetProperty("completeType").GetString());
        Assert.Equal(composite, multipart.GetProperty("headCrc32").GetString());
        Assert.Equal("COMPOSITE", multipart.GetProperty("headType").GetString());
        Assert.Equal(5 * 1024 * 1024 + "the last part".Length, multipart.GetProperty("length").GetInt64());

        // By default the SDK signs the CRC32 of an empty body into the URL: the real body does not match it, so S3 refuses it.
        var byDefault = seen.GetProperty("presignedDefault");
        Assert.Contains("x-amz-checksum-crc32", Strings(byDefault.GetProperty("queryChecksums")));
        Assert.Equal(400, byDefault.GetProperty("status").GetInt32());
        Assert.Equal("BadDigest", XDocument.Parse(byDefault.GetProperty("error").GetString()!).Root!.Element("Code")!.Value);
        Assert.Equal("NoSuchKey", byDefault.GetProperty("getError").GetString());

        // Presigned with the body's real CRC32: verified, stored and returned with ChecksumMode ENABLED.
        var withCrc32 = seen.GetProperty("presignedCrc32");
        Assert.Contains("x-amz-checksum-crc32", Strings(withCrc32.GetProperty("queryChecksums")));
        Assert.True(withCrc32.GetProperty("status").GetInt32() == 200, withCrc32.GetProperty("error").ToString());
        Assert.Equal("sent through a presigned url", withCrc32.GetProperty("body").GetString());
        Assert.Equal(Crc32("sent through a presigned url"), withCrc32.GetProperty("getCrc32").GetString());

        // requestChecksumCalculation WHEN_REQUIRED: no checksum in the URL, and the upload succeeds.
        var whenRequired = seen.GetProperty("presignedWhenRequired");
        Assert.Empty(Strings(whenRequired.GetProperty("queryChecksums")));
        Assert.True(whenRequired.GetProperty("status").GetInt32() == 200, whenRequired.GetProperty("error").ToString());
        Assert.Equal("sent through a presigned url", whenRequired.GetProperty("body").GetString());
    }

    private static string?[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString())];

    /// <summary>tests/js-sdk, with its node_modules installed by scripts/install-test-clients.sh (a failure, not a skip, when missing).</summary>
    private static string ScriptFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var folder = Path.Combine(dir.FullName, "tests", "js-sdk");
            if (!File.Exists(Path.Combine(folder, "package.json"))) continue;
            if (!File.Exists(Node) || !Directory.Exists(Path.Combine(folder, "node_modules", "@aws-sdk", "client-s3")))
                Assert.Fail($"node or the AWS SDK for JavaScript is not installed in {folder}: run scripts/install-test-clients.sh.");
            return folder;
        }
        throw new InvalidOperationException("tests/js-sdk not found above " + AppContext.BaseDirectory);
    }

    private static string Crc32(string text) => Convert.ToBase64String(BigEndianCrc32(Encoding.UTF8.GetBytes(text)));

    private static byte[] BigEndianCrc32(byte[] data)
    {
        var bytes = System.IO.Hashing.Crc32.Hash(data);
        Array.Reverse(bytes);
        return bytes;
    }
}
