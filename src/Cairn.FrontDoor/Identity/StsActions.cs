using Cairn.Auth;
using Cairn.Core.Errors;
using Cairn.FrontDoor.Authorization;
using Cairn.Index.Identities;
using Cairn.Policies;

namespace Cairn.FrontDoor.Identity;

/// <summary>STS: AssumeRole (temporary credentials for a role whose trust policy admits the caller) and GetCallerIdentity.</summary>
public sealed class StsActions(IdentityCatalog catalog, SessionTokens sessions, IamAuthorization authorization, PolicyCache policies, FrontDoorOptions options)
{
    /// <summary>What stands for the trust policy of a role that does not exist: it admits nobody, whatever the caller's own policies allow.</summary>
    private static readonly PolicyDocument NoTrust = PolicyParser.Parse(
        """{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"sts:AssumeRole"}]}""", PolicyKind.Trust);

    public async Task<IamResult?> AssumeRoleAsync(IamCall call)
    {
        var form = call.Form;
        var roleArn = form.Required("RoleArn");
        var sessionName = SessionName(form.Required("RoleSessionName"));
        var policy = form.Optional("Policy");
        if (policy is not null) PolicyGrammar.Require(policy, PolicyKind.Identity);
        if (call.Caller.Kind == PrincipalKind.Root) throw new S3Exception(S3ErrorCode.AccessDenied, "Roles may not be assumed by root accounts.");

        var externalId = form.Optional("ExternalId");
        if (externalId is { Length: < 2 or > 1224 })
            throw IamErrors.ValidationError($"1 validation error detected: Value '{externalId}' at 'externalId' failed to satisfy constraint: Member must have length {(externalId.Length < 2 ? "greater than or equal to 2" : "less than or equal to 1224")}");

        // The trust policy is the role's resource policy: it admits a principal it names; one naming the account leaves
        // the decision to the caller's identity policies (sts:AssumeRole on the role's ARN), as AWS does within one account.
        var roleName = RoleNameOf(roleArn);
        var role = roleName is null ? null : (await catalog.ReadAsync().ConfigureAwait(false)).Role(roleName);
        var trust = role is not null && IamNames.RoleArn(role) == roleArn ? TrustOf(role) : null;
        // A missing role is refused as an untrusted one: the caller learns nothing of which roles exist.
        authorization.Require(call, "sts:AssumeRole", roleArn, trust ?? NoTrust,
            [("sts:ExternalId", externalId), ("sts:RoleSessionName", sessionName)]);

        var seconds = form.Integer("DurationSeconds", options.MinimumSessionSeconds, 43_200, Math.Min(3600, role!.MaxSessionDuration));
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

    /// <summary>The role's trust policy; one stored before trust policies were checked this strictly, and no longer read, admits nobody.</summary>
    private PolicyDocument TrustOf(RoleRecord role)
    {
        try
        {
            return policies.Get(role.AssumeRolePolicyDocument, PolicyKind.Trust);
        }
        catch (MalformedPolicyException)
        {
            return NoTrust;
        }
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
