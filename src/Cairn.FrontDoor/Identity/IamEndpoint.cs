using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Text;
using Cairn.Auth;
using Cairn.Core.Errors;
using Cairn.Index.Identities;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;

namespace Cairn.FrontDoor.Identity;

/// <summary>
/// IAM's and STS's query APIs on the S3 endpoint, as Ceph RGW serves them: a POST to <c>/</c> with a form body
/// <c>Action=…&amp;Version=…&amp;…</c>, signed with SigV4 for the service <c>iam</c> (Version 2010-05-08) or <c>sts</c>
/// (2011-06-15). The answer is the API's XML, and every failure its ErrorResponse. Each IAM action is authorized on its
/// resource (<see cref="IamAuthorization"/>); STS actions decide for themselves.
/// </summary>
public sealed partial class IamEndpoint
{
    /// <summary>The largest form body read (a role's inline policy is at most 10,240 characters, URL-encoded up to three times that).</summary>
    private const int MaxBodyBytes = 256 * 1024;

    private static readonly IReadOnlySet<string> Services = new[] { "iam", "sts" }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>One action: what it does and, for IAM's, the resource its authorization names (STS actions decide for themselves).</summary>
    private sealed record QueryAction(Func<IamCall, Task<IamResult?>> Run, Func<IamCall, string>? Resource);

    private sealed record QueryApi(string Service, string Version, string Namespace, FrozenDictionary<string, QueryAction> Actions);

    private readonly QueryApi iam;
    private readonly QueryApi sts;
    private readonly SigV4Verifier verifier;
    private readonly IamAuthorization authorization;
    private readonly ILogger<IamEndpoint> log;

    public IamEndpoint(SigV4Verifier verifier, IamAuthorization authorization, IamResources resources, IamUserActions users, IamPolicyActions policies,
        IamRoleActions roles, IamGroupActions groups, StsActions stsActions, ILogger<IamEndpoint> log)
    {
        this.verifier = verifier;
        this.authorization = authorization;
        this.log = log;
        Func<IamCall, string> user = resources.User, role = resources.Role, group = resources.Group;
        iam = new QueryApi("iam", "2010-05-08", IamXml.IamNamespace, new Dictionary<string, QueryAction>
        {
            ["CreateUser"] = new(users.CreateUserAsync, user),
            ["GetUser"] = new(users.GetUserAsync, user),
            ["ListUsers"] = new(users.ListUsersAsync, IamResources.Listing("user")),
            ["DeleteUser"] = new(users.DeleteUserAsync, user),
            ["CreateAccessKey"] = new(users.CreateAccessKeyAsync, user),
            ["ListAccessKeys"] = new(users.ListAccessKeysAsync, user),
            ["UpdateAccessKey"] = new(users.UpdateAccessKeyAsync, user),
            ["DeleteAccessKey"] = new(users.DeleteAccessKeyAsync, user),
            ["GetAccessKeyLastUsed"] = new(users.GetAccessKeyLastUsedAsync, resources.AccessKeyOwner),
            ["PutUserPolicy"] = new(c => policies.PutAsync(c, PolicyHolder.User), user),
            ["GetUserPolicy"] = new(c => policies.GetAsync(c, PolicyHolder.User), user),
            ["ListUserPolicies"] = new(c => policies.ListAsync(c, PolicyHolder.User), user),
            ["DeleteUserPolicy"] = new(c => policies.DeleteAsync(c, PolicyHolder.User), user),
            ["CreateRole"] = new(roles.CreateRoleAsync, role),
            ["GetRole"] = new(roles.GetRoleAsync, role),
            ["ListRoles"] = new(roles.ListRolesAsync, IamResources.Listing("role")),
            ["DeleteRole"] = new(roles.DeleteRoleAsync, role),
            ["UpdateAssumeRolePolicy"] = new(roles.UpdateAssumeRolePolicyAsync, role),
            ["PutRolePolicy"] = new(c => policies.PutAsync(c, PolicyHolder.Role), role),
            ["GetRolePolicy"] = new(c => policies.GetAsync(c, PolicyHolder.Role), role),
            ["ListRolePolicies"] = new(c => policies.ListAsync(c, PolicyHolder.Role), role),
            ["DeleteRolePolicy"] = new(c => policies.DeleteAsync(c, PolicyHolder.Role), role),
            ["CreateGroup"] = new(groups.CreateGroupAsync, group),
            ["GetGroup"] = new(groups.GetGroupAsync, group),
            ["ListGroups"] = new(groups.ListGroupsAsync, IamResources.Listing("group")),
            ["DeleteGroup"] = new(groups.DeleteGroupAsync, group),
            ["AddUserToGroup"] = new(groups.AddUserToGroupAsync, group),
            ["RemoveUserFromGroup"] = new(groups.RemoveUserFromGroupAsync, group),
            ["ListGroupsForUser"] = new(groups.ListGroupsForUserAsync, user),
            ["PutGroupPolicy"] = new(c => policies.PutAsync(c, PolicyHolder.Group), group),
            ["GetGroupPolicy"] = new(c => policies.GetAsync(c, PolicyHolder.Group), group),
            ["ListGroupPolicies"] = new(c => policies.ListAsync(c, PolicyHolder.Group), group),
            ["DeleteGroupPolicy"] = new(c => policies.DeleteAsync(c, PolicyHolder.Group), group),
        }.ToFrozenDictionary(StringComparer.Ordinal));
        sts = new QueryApi("sts", "2011-06-15", IamXml.StsNamespace, new Dictionary<string, QueryAction>
        {
            ["AssumeRole"] = new(stsActions.AssumeRoleAsync, null),
            ["GetCallerIdentity"] = new(stsActions.GetCallerIdentityAsync, null),
        }.ToFrozenDictionary(StringComparer.Ordinal));
    }

    /// <summary>A query-API call: a form POST to the service root (no S3 operation is a form-encoded POST to <c>/</c>).</summary>
    public static bool Serves(HttpRequest request) =>
        HttpMethods.IsPost(request.Method)
        && request.Path.Value == "/"
        && request.ContentType is { } type && type.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase);

    public async Task HandleAsync(HttpContext http)
    {
        string action = "";
        var api = iam;
        try
        {
            var body = await ReadBodyAsync(http.Request).ConfigureAwait(false);
            var form = new IamForm(QueryHelpers.ParseQuery(Encoding.UTF8.GetString(body)));
            action = form.Optional("Action") ?? throw new S3Exception(IamErrors.MissingActionCode, "Missing Action");
            if (sts.Actions.ContainsKey(action)) api = sts;
            var auth = Authenticate(http.Request, body);
            if (Observability.RequestRecord.Of(http) is { } record) (record.Api, record.Action, record.Auth) = (api.Service, action, auth);
            var version = form.Optional("Version");
            if (!api.Actions.TryGetValue(action, out var entry) || (version is not null && version != api.Version))
                throw new S3Exception(IamErrors.InvalidActionCode, $"Could not find operation {action} for version {version ?? "NO_VERSION_SPECIFIED"}");
            if (auth.Service != api.Service)
                throw new S3Exception(S3ErrorCode.SignatureDoesNotMatch, $"Credential should be scoped to correct service: '{api.Service}'. ");
            var call = new IamCall(action, form, auth.Principal, http);
            // The root may do every IAM action, and needs no resource named (GetUser without a name answers the account).
            if (entry.Resource is { } resource && auth.Principal.Kind != PrincipalKind.Root) authorization.Require(call, "iam:" + action, resource(call));
            var result = await entry.Run(call).ConfigureAwait(false);
            await IamXml.WriteResponseAsync(http, action, api.Namespace, result is null ? null : x => result(x)).ConfigureAwait(false);
        }
        catch (S3Exception e)
        {
            LogRefused(action, e.Code.Code, e.Message);
            await IamXml.WriteErrorAsync(http, api.Namespace, AsIamError(e, api.Service)).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            LogFailed(e, action);
            await IamXml.WriteErrorAsync(http, api.Namespace, new S3Exception(new S3ErrorCode("ServiceFailure", 500, "The request processing has failed because of an unknown error, exception or failure.")))
                .ConfigureAwait(false);
        }
    }

    private AuthResult Authenticate(HttpRequest request, byte[] body)
    {
        var bodyHash = Convert.ToHexStringLower(SHA256.HashData(body));
        var auth = verifier.Authenticate(request, Services, bodyHash) ?? throw new S3Exception(IamErrors.MissingAuthenticationTokenCode);
        // A client that did send x-amz-content-sha256 signed that value: the body must be the one it hashed.
        if (auth.ExpectedSha256Hex is { } signed && signed != bodyHash) throw new S3Exception(S3ErrorCode.XAmzContentSHA256Mismatch);
        return auth;
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request)
    {
        if (request.ContentLength > MaxBodyBytes) throw TooLarge();
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes) throw TooLarge();
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private static S3Exception TooLarge() => IamErrors.ValidationError($"The request body is larger than {MaxBodyBytes} bytes.");

    /// <summary>The S3 errors of authentication, in IAM's words where IAM has its own.</summary>
    private static S3Exception AsIamError(S3Exception e, string service) => e.Code.Code switch
    {
        "InvalidAccessKeyId" or "InvalidToken" => new S3Exception(IamErrors.InvalidClientTokenIdCode),
        "ExpiredToken" => new S3Exception(new S3ErrorCode("ExpiredToken", 403, "The security token included in the request is expired")),
        "AuthorizationHeaderMalformed" when e.Message.Contains("incorrect service", StringComparison.Ordinal) =>
            new S3Exception(S3ErrorCode.SignatureDoesNotMatch, $"Credential should be scoped to correct service: '{service}'. "),
        _ => e,
    };

    [LoggerMessage(Level = LogLevel.Debug, Message = "IAM {Action} refused: {Code} {Message}")]
    private partial void LogRefused(string action, string code, string message);

    [LoggerMessage(Level = LogLevel.Error, Message = "IAM {Action} failed")]
    private partial void LogFailed(Exception e, string action);
}
