using Cairn.Core.Observability;
using Cairn.FrontDoor.Observability;
using Microsoft.Extensions.DependencyInjection;

namespace Cairn.Node.Audit;

public static class AuditServices
{
    /// <summary>The audit log (its files under <see cref="AuditLogOptions.Folder"/>) and the gate that records requests in it.</summary>
    public static IServiceCollection AddAuditLog(this IServiceCollection services, AuditLogOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton<AuditFileLog>();
        services.AddSingleton<IAuditLog>(sp => sp.GetRequiredService<AuditFileLog>());
        services.AddSingleton<IResponseGate, AuditRecorder>();
        return services;
    }
}
