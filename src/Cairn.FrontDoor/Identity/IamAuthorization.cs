using Cairn.Auth;
using Cairn.Core.Errors;
using Cairn.FrontDoor.Authorization;
using Cairn.Policies;

namespace Cairn.FrontDoor.Identity;

/// <summary>
/// Whether the caller of an IAM or STS action may do it, decided by the policy engine as IAM decides within one account:
/// the action on its resource's ARN, over the caller's identity policies (a user's own and its groups', an assumed
/// role's bounded by its session policy) and, for STS AssumeRole, the role's trust policy as the resource policy. The root
/// may do every IAM action. A refusal is AccessDenied in IAM's words.
/// </summary>
public sealed class IamAuthorization(Authorizer authorizer, TimeProvider time)
{
    /// <summary>AccessDenied unless <paramref name="action"/> (e.g. <c>iam:CreateUser</c>) on <paramref name="resource"/> is allowed.</summary>
    public void Require(IamCall call, string action, string resource, PolicyDocument? resourcePolicy = null, IEnumerable<(string Key, string? Value)>? keys = null)
    {
        if (call.Caller.Kind == PrincipalKind.Root) return;
        var context = RequestConditions.FillGlobal(new RequestContext(action, resource, RequestConditions.PrincipalOf(call.Caller)), call.Http, time.GetUtcNow());
        foreach (var (key, value) in keys ?? [])
            context.With(key, value is null ? null : [value]);
        if (authorizer.Evaluate(context, call.Caller, resourcePolicy) != Decision.Allow)
            throw new S3Exception(S3ErrorCode.AccessDenied, $"User: {call.Caller.Arn} is not authorized to perform: {action} on resource: {resource}");
    }
}

/// <summary>
/// The resource each IAM action acts on, as IAM's authorization names it: the ARN of the user, role or group it names
/// (with the entity's path; a create takes the path it is given), or, for a listing, the ARN prefix it lists
/// (<c>arn:aws:iam::ACCOUNT:user/</c> and the PathPrefix).
/// </summary>
public sealed class IamResources(IdentityView view)
{
    /// <summary>UserName, or the calling user when left out.</summary>
    public string User(IamCall call)
    {
        var name = call.UserNameOrCaller();
        return IamNames.Arn("user", call.Action == "CreateUser" ? call.Form.Path() : view.Table.User(name)?.Path ?? "/", name);
    }

    public string Role(IamCall call)
    {
        var name = call.Form.Name("RoleName");
        return IamNames.Arn("role", call.Action == "CreateRole" ? call.Form.Path() : view.Table.Role(name)?.Path ?? "/", name);
    }

    public string Group(IamCall call)
    {
        var name = call.Form.Name("GroupName", maxLength: 128);
        return IamNames.Arn("group", call.Action == "CreateGroup" ? call.Form.Path() : view.Table.Group(name)?.Path ?? "/", name);
    }

    /// <summary>The user owning the AccessKeyId (GetAccessKeyLastUsed names only the key); the caller when there is no such key.</summary>
    public string AccessKeyOwner(IamCall call) =>
        view.Table.AccessKey(call.Form.Required("AccessKeyId")) is { } key && view.Table.User(key.UserName) is { } user
            ? IamNames.UserArn(user)
            : call.Caller.Arn;

    public static Func<IamCall, string> Listing(string type) => call => IamNames.Arn(type, call.Form.Optional("PathPrefix") ?? "/", "");
}
