using Cairn.WebConsole.Navigation;
using Cairn.WebConsole.S3;
using Cairn.WebConsole.Sessions;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.ApplicationParts;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Cairn.Core.StorageClasses;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Cairn.WebConsole.Hosting;

/// <summary>How the composition root adds the console: its services, and the branch of the pipeline that serves it.</summary>
public static class ConsoleHosting
{
    public static IServiceCollection AddCairnConsole(this IServiceCollection services, ConsoleOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton<ConsoleRoute>();
        services.AddSingleton<LoopbackHttp>();
        services.AddSingleton<NodeS3Clients>();
        services.AddSingleton<ConsoleSessions>();
        services.AddSingleton<SignedRequests>();
        services.AddSingleton<CredentialCheck>();
        services.AddSingleton<SignInAudit>();
        services.AddSingleton<AdminApi>();
        services.AddSingleton<ConsoleNavigation>();
        services.AddSingleton<ObjectTransfers>();
        services.AddSingleton<BucketSummaries>();
        services.AddSingleton<S3CallTiming>();
        services.AddSingleton<StorageLadder>();
        services.AddHttpContextAccessor();
        services.TryAddSingleton(StorageClassTable.Default);
        // Antiforgery tokens are only good while this process runs, as the sessions they protect are.
        services.AddDataProtection().SetApplicationName("cairn-console");
        services.Configure<Microsoft.AspNetCore.DataProtection.KeyManagement.KeyManagementOptions>(o => o.XmlRepository = new MemoryKeyRepository());
        services.AddLogging(b => b.AddFilter("Microsoft.AspNetCore.DataProtection", Microsoft.Extensions.Logging.LogLevel.Error));
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "cairn-console-csrf";
            o.Cookie.Path = ConsoleRoute.PathBase;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = Microsoft.AspNetCore.Http.CookieSecurePolicy.SameAsRequest;
            o.HeaderName = AntiforgeryHeader;
            o.SuppressXFrameOptionsHeader = true; // SecurityHeaders sends DENY
        });
        services.Configure<CookieTempDataProviderOptions>(o =>
        {
            o.Cookie.Name = "cairn-console-message";
            o.Cookie.Path = ConsoleRoute.PathBase;
            o.Cookie.SameSite = SameSiteMode.Strict;
        });
        services.AddRazorPages(o => o.Conventions.ConfigureFilter(new S3ErrorFilter()))
            .ConfigureApplicationPartManager(parts =>
            {
                // The console's pages alone: nothing else in the process is an MVC application part.
                parts.ApplicationParts.Clear();
                var assembly = typeof(ConsoleHosting).Assembly;
                foreach (var part in ApplicationPartFactory.GetApplicationPartFactory(assembly).GetApplicationParts(assembly))
                    parts.ApplicationParts.Add(part);
            });
        return services;
    }

    /// <summary>The header that carries the antiforgery token of a fetch or XHR (forms carry it as a field).</summary>
    public const string AntiforgeryHeader = "RequestVerificationToken";

    /// <summary>Serves the console in <paramref name="app"/>, a branch that receives only the requests <see cref="ConsoleRoute"/> gives it.</summary>
    public static void UseCairnConsole(this IApplicationBuilder app)
    {
        app.UsePathBase(ConsoleRoute.PathBase);
        app.UseMiddleware<SecurityHeaders>();
        app.UseMiddleware<ConsoleErrors>();
        app.Use((http, next) =>
        {
            // On the console's own port, / leads to the console.
            if (!http.Request.PathBase.HasValue)
            {
                http.Response.Redirect(ConsoleRoute.PathBase + "/");
                return Task.CompletedTask;
            }
            return next(http);
        });
        var timing = app.ApplicationServices.GetRequiredService<S3CallTiming>();
        app.Use((http, next) => timing.TrackAsync(http, next));
        app.UseMiddleware<SessionGate>();
        app.UseRouting();
        app.UseEndpoints(endpoints =>
        {
            endpoints.MapGet("/assets/{name}", (HttpContext http, string name) => EmbeddedAssets.ServeAsync(http, name));
            endpoints.MapPost("/sign-out", SignOutAsync);
            endpoints.MapObjectTransfers();
            endpoints.MapRazorPages();
        });
    }

    private static async Task SignOutAsync(HttpContext http, IAntiforgery antiforgery, ConsoleSessions sessions)
    {
        await antiforgery.ValidateRequestAsync(http).ConfigureAwait(false);
        sessions.End(http.Session().Id);
        SessionCookie.Delete(http.Response);
        http.Response.Redirect(http.Request.PathBase + "/sign-in");
    }
}
