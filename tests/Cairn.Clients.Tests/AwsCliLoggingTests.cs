using System.Text.Json;
using Cairn.Testing;

namespace Cairn.Clients.Tests;

/// <summary>Debian's AWS CLI v2 (/usr/bin/aws) enabling, reading and disabling a bucket's server access logging.</summary>
public sealed class AwsCliLoggingTests(ServerFixture fixture) : IClassFixture<ServerFixture>, IDisposable
{
    private readonly TempDir temp = new("cairn-awscli-logging");

    public void Dispose() => temp.Dispose();

    private async Task<ProcessResult> AwsOkAsync(params string[] args) =>
        (await ExternalClients.RunAsync(ExternalClients.AwsCli, ["--endpoint-url", fixture.Server.Endpoint, "--no-cli-pager", "--output", "json", .. args],
            ExternalClients.Environment(temp.Sub("home")))).Succeeded(fixture, "aws " + string.Join(' ', args));

    [Fact]
    public async Task Put_bucket_logging_and_get_bucket_logging_round_trip_the_target()
    {
        var source = await fixture.NewBucketAsync("logged");
        var target = await fixture.NewBucketAsync("logs");
        await AwsOkAsync("s3api", "put-bucket-logging", "--bucket", source, "--bucket-logging-status",
            $$"""{"LoggingEnabled":{"TargetBucket":"{{target}}","TargetPrefix":"access/"} }""");
        var status = JsonDocument.Parse((await AwsOkAsync("s3api", "get-bucket-logging", "--bucket", source)).Stdout).RootElement.GetProperty("LoggingEnabled");
        Assert.Equal((target, "access/"), (status.GetProperty("TargetBucket").GetString(), status.GetProperty("TargetPrefix").GetString()));

        await AwsOkAsync("s3api", "put-bucket-logging", "--bucket", source, "--bucket-logging-status", "{}");
        var disabled = (await AwsOkAsync("s3api", "get-bucket-logging", "--bucket", source)).Stdout;
        Assert.False(disabled.Trim().Length > 0 && JsonDocument.Parse(disabled).RootElement.TryGetProperty("LoggingEnabled", out _), disabled);
    }
}
