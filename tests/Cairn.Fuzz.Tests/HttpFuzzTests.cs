using System.Net;
using System.Xml.Linq;
using Cairn.Fuzz.Tests.Engine;
using Cairn.Testing;
using Xunit.Abstractions;

namespace Cairn.Fuzz.Tests;

/// <summary>
/// One real server receives a few hundred mutated requests (headers, queries, XML bodies, aws-chunked framing, forms,
/// most of them validly signed so they get past authentication) and must never answer 5xx (501 aside), never leave a
/// request unanswered past the timeout, and still be ready afterwards.
/// </summary>
public sealed class HttpFuzzTests(ServerFixture fixture, ITestOutputHelper output) : IClassFixture<ServerFixture>
{
    private const int Requests = 300;

    // 501: S3's answer for a feature not served. 505: Kestrel's for a request line with an HTTP version it does not
    // speak (a mutated "HTTP/1.1"), the protocol's own client-side refusal.
    private static readonly int[] Accepted5xx = [501, 505];

    // How long a request goes unanswered before the client stops sending (its framing may promise more body).
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task Server_never_answers_5xx_to_mutated_requests_and_stays_ready()
    {
        var server = fixture.Server;
        var placeholders = await PrepareAsync(server);
        var settings = FuzzSettings.For("http", Requests);
        var templates = Corpus.Load("http").Select(t => t.Data).ToList();
        var mutations = new HttpMutations(server, placeholders, new Random(settings.Seed));

        var statuses = new SortedDictionary<string, int>();
        var failures = new List<string>();
        var closed = new List<string>();
        for (int i = 0; i < settings.Iterations; i++)
        {
            var request = mutations.Next(templates);
            int? status;
            try
            {
                status = await HttpMutations.SendAsync(server.Port, request, Patience, settings.Timeout);
            }
            catch (OperationCanceledException)
            {
                failures.Add($"request {i}: no answer within {settings.Timeout.TotalSeconds:0} s\n{Show(request)}");
                continue;
            }
            var key = status?.ToString() ?? "closed";
            statuses[key] = statuses.GetValueOrDefault(key) + 1;
            if (status is null && closed.Count < 3) closed.Add($"request {i} closed unanswered:\n{Show(request)}");
            if (status >= 500 && !Accepted5xx.Contains(status.Value)) failures.Add($"request {i}: {status}\n{Show(request)}");
        }
        foreach (var c in closed) output.WriteLine(c);
        output.WriteLine($"seed {settings.Seed}, {settings.Iterations} requests: " + string.Join(", ", statuses.Select(s => $"{s.Key} ×{s.Value}")));

        Assert.True(server.IsRunning, "the server exited:\n" + server.ErrorLog);
        using var http = new HttpClient();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(server.Endpoint + "/health/ready")).StatusCode);
        Assert.True(failures.Count == 0, string.Join("\n\n", failures.Take(5)) + "\n\nserver log tail:\n" + Tail(server.ErrorLog));
    }

    /// <summary>A versioned bucket with an object and an open multipart upload, for the templates to aim at.</summary>
    private async Task<Dictionary<string, string>> PrepareAsync(ServerProcess server)
    {
        var bucket = await fixture.NewBucketAsync("fuzz", versioned: true);
        using var http = new SignedHttp(server);
        (await http.SendAsync(HttpMethod.Put, $"/{bucket}/obj", SignedHttp.Bytes("hello world, fuzzed"u8.ToArray()))).EnsureSuccessStatusCode();
        using var created = await http.SendAsync(HttpMethod.Post, $"/{bucket}/mpu?uploads");
        created.EnsureSuccessStatusCode();
        var uploadId = XDocument.Parse(await created.Content.ReadAsStringAsync()).Root!.Elements().Single(e => e.Name.LocalName == "UploadId").Value;
        return new() { ["bucket"] = bucket, ["key"] = "obj", ["upload"] = uploadId };
    }

    private static string Show(byte[] request) =>
        System.Text.Encoding.Latin1.GetString(request, 0, Math.Min(request.Length, 1500)).Replace("\r", "\\r");

    private static string Tail(string log) => log.Length <= 4000 ? log : log[^4000..];
}
