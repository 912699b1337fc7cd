using Cairn.Auth;
using Cairn.Core.Errors;
using Cairn.Index.Identities;

namespace Cairn.FrontDoor.Identity;

/// <summary>STS: AssumeRole (temporary credentials for a role whose trust policy admits the caller) and GetCallerIdentity.</summary>
public sealed class StsActions(IdentityCatalog catalog, SessionTokens sessions, FrontDoorOptions options)
{
    public async Task<IamResult?> AssumeRoleAsync(IamCall call)
    {
        var form = call.Form;
        var roleArn = form.Required("RoleArn");
        var sessionName = SessionName(form.Required("RoleSessionName"));
        var policy = form.Optional("Policy");
        if (policy is not null) PolicyGrammar.Require(policy, PolicyGrammar.Kind.Permissions);
        if (call.Caller.Kind == PrincipalKind.Root) throw new S3Exception(S3ErrorCode.AccessDenied, "Roles may not be assumed by root accounts.");

        var roleName = RoleNameOf(roleArn);
        var role = roleName is null ? null : (await catalog.ReadAsync().ConfigureAwait(false)).Role(roleName);
        if (role is null || IamNames.RoleArn(role) != roleArn || !TrustPolicy.Allows(role.AssumeRolePolicyDocument, call.Caller.Arn))
            throw new S3Exception(S3ErrorCode.AccessDenied, $"User: {call.Caller.Arn} is not authorized to perform: sts:AssumeRole on resource: {roleArn}");

        var seconds = form.Integer("DurationSeconds", options.MinimumSessionSeconds, 43_200, Math.Min(3600, role.MaxSessionDuration));
        if (seconds > role.MaxSessionDuration)
            throw IamErrors.ValidationError("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
        var session = sessions.Issue(role, sessionName, TimeSpan.FromSeconds(seconds), policy);
        return xml => xml
            .Nested("Credentials", c => c
                .Element("AccessKeyId", session.AccessKeyId)
                .Element("SecretAccessKey", session.Secret)
                .Element("SessionToken", session.Token)
                .Element("Expiration", session.Expires))
            .Nested("AssumedRoleUser", u => u.Element("AssumedRoleId", session.Principal.UserId).Element("Arn", session.Principal.Arn));
    }

    public Task<IamResult?> GetCallerIdentityAsync(IamCall call) =>
        Task.FromResult<IamResult?>(xml => xml.Element("UserId", call.Caller.UserId).Element("Account", Principal.AccountId).Element("Arn", call.Caller.Arn));

    /// <summary>The role name of an IAM role ARN of this account (the last path segment), or null.</summary>
    private static string? RoleNameOf(string arn)
    {
        const string prefix = "arn:aws:iam::" + Principal.AccountId + ":role/";
        return arn.StartsWith(prefix, StringComparison.Ordinal) ? arn[(arn.LastIndexOf('/') + 1)..] : null;
    }

    /// <summary>RoleSessionName: 2–64 characters of <c>[\w+=,.@-]</c>.</summary>
    private static string SessionName(string name) =>
        name.Length is >= 2 and <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || "_+=,.@-".Contains(c))
            ? name
            : throw IamErrors.ValidationError($"1 validation error detected: Value '{name}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*");
}
