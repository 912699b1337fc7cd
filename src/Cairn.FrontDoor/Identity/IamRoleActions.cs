using Cairn.Index.Commands;
using Cairn.Index.Identities;
using Cairn.Policies;

namespace Cairn.FrontDoor.Identity;

/// <summary>IAM's role actions: a role is a trust policy (who may assume it) plus inline permission policies.</summary>
public sealed class IamRoleActions(IdentityCatalog catalog, IdentityView view)
{
    /// <summary>IAM's bounds of a role's MaxSessionDuration, in seconds.</summary>
    public const int MinSessionSeconds = 3600, MaxSessionSeconds = 43_200;

    public async Task<IamResult?> CreateRoleAsync(IamCall call)
    {
        var form = call.Form;
        var name = form.Name("RoleName");
        var path = form.Path();
        var trust = form.Required("AssumeRolePolicyDocument");
        PolicyGrammar.Require(trust, PolicyKind.Trust);
        var description = form.Optional("Description");
        if (description is { Length: > 1000 })
            throw IamErrors.ValidationError("1 validation error detected: Value at 'description' failed to satisfy constraint: Member must have length less than or equal to 1000");
        var role = new RoleRecord(name, IamNames.NewRoleId(), path, default, trust)
        {
            MaxSessionDuration = form.Integer("MaxSessionDuration", MinSessionSeconds, MaxSessionSeconds, MinSessionSeconds),
            Description = description,
        };
        role = await catalog.ExecuteAsync(new CreateRole(role) { At = default }).ConfigureAwait(false);
        await view.RefreshAsync().ConfigureAwait(false);
        return xml => xml.Nested("Role", r => WriteRole(r, role));
    }

    public async Task<IamResult?> GetRoleAsync(IamCall call)
    {
        var name = call.Form.Name("RoleName");
        var role = (await catalog.ReadAsync().ConfigureAwait(false)).Role(name) ?? throw IamErrors.NoSuchEntity("role", name);
        return xml => xml.Nested("Role", r => WriteRole(r, role));
    }

    public async Task<IamResult?> ListRolesAsync(IamCall call)
    {
        var table = await catalog.ReadAsync().ConfigureAwait(false);
        var page = IamPage<RoleRecord>.UnderPath(table.Roles, r => r.Path, r => r.RoleName, call.Form);
        return xml => page.Write(xml, "Roles", WriteRole);
    }

    public async Task<IamResult?> DeleteRoleAsync(IamCall call)
    {
        await catalog.ExecuteAsync(new DeleteRole(call.Form.Name("RoleName")) { At = default }).ConfigureAwait(false);
        await view.RefreshAsync().ConfigureAwait(false);
        return null;
    }

    /// <summary>UpdateAssumeRolePolicy: a new trust policy, checked as CreateRole checks one.</summary>
    public async Task<IamResult?> UpdateAssumeRolePolicyAsync(IamCall call)
    {
        var name = call.Form.Name("RoleName");
        var trust = call.Form.Required("PolicyDocument");
        PolicyGrammar.Require(trust, PolicyKind.Trust);
        await catalog.ExecuteAsync(new UpdateAssumeRolePolicy(name, trust) { At = default }).ConfigureAwait(false);
        await view.RefreshAsync().ConfigureAwait(false);
        return null;
    }

    private static void WriteRole(IamXml xml, RoleRecord role) => xml
        .Element("Path", role.Path)
        .Element("RoleName", role.RoleName)
        .Element("RoleId", role.RoleId)
        .Element("Arn", IamNames.RoleArn(role))
        .Element("CreateDate", role.Created)
        .Element("AssumeRolePolicyDocument", Uri.EscapeDataString(role.AssumeRolePolicyDocument))
        .Element("Description", role.Description)
        .Element("MaxSessionDuration", role.MaxSessionDuration);
}
