// Bare Kestrel beside Cairn in the same run, for docs/benchmarks.md: GET /file serves one file (the
// GET target's reference); PUT to any path (/drain, or a bucket and key, so `cairn bench` can drive it)
// reads a body into nothing: what the transport alone costs a PUT.
// Usage: dotnet run -c Release -- FILE PORT
var file = Path.GetFullPath(args[0]);
var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.UseUrls($"http://127.0.0.1:{args[1]}");
builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = null);
var app = builder.Build();
app.MapGet("/file", () => Results.File(file, "application/octet-stream"));
app.MapPut("/{**path}", async (HttpRequest request) =>
{
    var buffer = new byte[1 << 20];
    long total = 0;
    int n;
    while ((n = await request.Body.ReadAsync(buffer)) > 0) total += n;
    return Results.Text(total.ToString());
});
app.Run();
