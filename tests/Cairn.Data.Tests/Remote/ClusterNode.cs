using System.Net;
using Cairn.Data.Drives;
using Cairn.Data.Drives.Remote;
using Cairn.Transport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Cairn.Data.Tests.Remote;

/// <summary>An in-process cluster listener (h2c on a free 127.0.0.1 port) serving some drives.</summary>
internal sealed class ClusterNode : IAsyncDisposable
{
    private readonly WebApplication app;

    private ClusterNode(WebApplication app, Uri address)
    {
        this.app = app;
        Address = address;
    }

    public Uri Address { get; }

    public static async Task<ClusterNode> StartAsync(IReadOnlyDictionary<string, IFragmentStore> drives, ClusterSecret secret)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseClusterProtocol()));
        var app = builder.Build();
        app.MapFragmentStores(drives, secret);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new ClusterNode(app, new Uri(address.TrimEnd('/') + "/"));
    }

    /// <summary>Stops listening: later calls to this node are refused.</summary>
    public async Task StopAsync()
    {
        using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await app.StopAsync(bounded.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await app.DisposeAsync();
    }
}
