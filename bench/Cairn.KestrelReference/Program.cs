// Bare Kestrel beside Cairn in the same run, for docs/benchmarks.md. GET of any path serves FILE (the
// GET target's reference); PUT to any path reads the body into nothing (what the transport alone costs
// a PUT); DELETE answers 204. So both curl (/file, /drain) and `cairn bench --size <FILE's size>` can
// drive it, and the same client measures Cairn and the bare transport.
// Usage: dotnet run -c Release -- FILE PORT
var file = Path.GetFullPath(args[0]);
var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.UseUrls($"http://127.0.0.1:{args[1]}");
builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = null);
var app = builder.Build();
app.MapGet("/{**path}", () => Results.File(file, "application/octet-stream"));
app.MapPut("/{**path}", async (HttpRequest request) =>
{
    var buffer = new byte[1 << 20];
    long total = 0;
    int n;
    while ((n = await request.Body.ReadAsync(buffer)) > 0) total += n;
    return Results.Text(total.ToString());
});
app.MapDelete("/{**path}", () => Results.NoContent());
app.Run();
