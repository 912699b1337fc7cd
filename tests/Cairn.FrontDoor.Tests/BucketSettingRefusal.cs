using Cairn.Testing;

namespace Cairn.FrontDoor.Tests;

/// <summary>A bucket configuration PUT that S3 refuses: its status, code and (when given) message, and nothing stored after it.</summary>
internal static class BucketSettingRefusal
{
    public static async Task AssertRefusedAsync(ServerProcess server, string bucket, string subresource, string body,
        (int Status, string Code, string? Message) expected, string missingCode)
    {
        using var http = new SignedHttp(server);
        using var response = await http.SendAsync(HttpMethod.Put, $"/{bucket}?{subresource}", RawXml.Body(body));
        var error = RawXml.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal((expected.Status, expected.Code), ((int)response.StatusCode, RawXml.Child(error, "Code")));
        if (expected.Message is not null) Assert.Equal(expected.Message, RawXml.Child(error, "Message"));
        using var get = await http.SendAsync(HttpMethod.Get, $"/{bucket}?{subresource}");
        Assert.Equal((404, missingCode), await SignedHttp.ErrorOf(get));
    }
}
