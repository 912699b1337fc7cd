using Cairn.Policies;
using Cairn.Index.Commands;
using Cairn.Index.Identities;

namespace Cairn.FrontDoor.Identity;

/// <summary>Inline policies of users, roles and groups: Put/Get/List/Delete(User|Role|Group)Policy, one implementation for the three holders.</summary>
public sealed class IamPolicyActions(IdentityCatalog catalog, IdentityView view)
{
    public async Task<IamResult?> PutAsync(IamCall call, PolicyHolder holder)
    {
        var holderName = call.Form.Name(HolderParameter(holder), MaxNameLength(holder));
        var policyName = call.Form.Name("PolicyName", maxLength: 128);
        var document = call.Form.Required("PolicyDocument");
        if (document.Length > 131_072)
            throw IamErrors.ValidationError("1 validation error detected: Value at 'policyDocument' failed to satisfy constraint: Member must have length less than or equal to 131072");
        PolicyGrammar.Require(document, PolicyKind.Identity);
        await catalog.ExecuteAsync(new PutInlinePolicy(holder, holderName, policyName, document) { At = default }).ConfigureAwait(false);
        await view.RefreshAsync().ConfigureAwait(false);
        return null;
    }

    /// <summary>The document comes back URL-encoded, as IAM answers it.</summary>
    public async Task<IamResult?> GetAsync(IamCall call, PolicyHolder holder)
    {
        var parameter = HolderParameter(holder);
        var holderName = call.Form.Name(parameter, MaxNameLength(holder));
        var policyName = call.Form.Name("PolicyName", maxLength: 128);
        var (canonicalName, policies) = await PoliciesAsync(holder, holderName).ConfigureAwait(false);
        var document = policies.GetValueOrDefault(policyName) ?? throw IamErrors.NoSuchEntity($"{Word(holder)} policy", policyName);
        return xml => xml.Element(parameter, canonicalName).Element("PolicyName", policyName).Element("PolicyDocument", Uri.EscapeDataString(document));
    }

    public async Task<IamResult?> ListAsync(IamCall call, PolicyHolder holder)
    {
        var (_, policies) = await PoliciesAsync(holder, call.Form.Name(HolderParameter(holder), MaxNameLength(holder))).ConfigureAwait(false);
        var page = IamPage<string>.Of(policies.Keys, name => name, call.Form);
        return xml => page.Write(xml, "PolicyNames", (m, name) => m.Text(name));
    }

    public async Task<IamResult?> DeleteAsync(IamCall call, PolicyHolder holder)
    {
        var holderName = call.Form.Name(HolderParameter(holder), MaxNameLength(holder));
        await catalog.ExecuteAsync(new DeleteInlinePolicy(holder, holderName, call.Form.Name("PolicyName", maxLength: 128)) { At = default }).ConfigureAwait(false);
        await view.RefreshAsync().ConfigureAwait(false);
        return null;
    }

    /// <summary>The holder's name as created and its policies; NoSuchEntity when there is no such holder.</summary>
    private async Task<(string Name, IReadOnlyDictionary<string, string> Policies)> PoliciesAsync(PolicyHolder holder, string name)
    {
        var table = await catalog.ReadAsync().ConfigureAwait(false);
        var canonical = holder switch
        {
            PolicyHolder.User => table.User(name)?.UserName,
            PolicyHolder.Role => table.Role(name)?.RoleName,
            _ => table.Group(name)?.GroupName,
        };
        return canonical is null ? throw IamErrors.NoSuchEntity(Word(holder), name) : (canonical, table.PoliciesOf(holder, name));
    }

    private static string HolderParameter(PolicyHolder holder) => holder switch
    {
        PolicyHolder.User => "UserName",
        PolicyHolder.Role => "RoleName",
        _ => "GroupName",
    };

    /// <summary>IAM's longest names: 64 characters for users and roles, 128 for groups.</summary>
    private static int MaxNameLength(PolicyHolder holder) => holder == PolicyHolder.Group ? 128 : 64;

    private static string Word(PolicyHolder holder) => IdentityRows.Holder(holder);
}
