namespace Cairn.Policies;

/// <summary>The outcome of evaluating a request against policies.</summary>
public enum Decision
{
    /// <summary>No statement allowed it: denied, but another grant (an ACL) may still allow.</summary>
    ImplicitDeny,

    Allow,

    /// <summary>A statement denied it: nothing can allow it.</summary>
    ExplicitDeny,
}

/// <summary>
/// IAM's evaluation logic within one account: an explicit Deny in any policy wins; otherwise an Allow from an identity
/// policy or from the resource policy suffices; otherwise the request is implicitly denied.
/// </summary>
public static class PolicyEvaluator
{
    public static Decision Evaluate(RequestContext request, IEnumerable<PolicyDocument> identityPolicies, PolicyDocument? resourcePolicy)
    {
        var allowed = false;
        foreach (var policy in identityPolicies)
        {
            switch (Evaluate(request, policy, isResourcePolicy: false))
            {
                case Decision.ExplicitDeny:
                    return Decision.ExplicitDeny;
                case Decision.Allow:
                    allowed = true;
                    break;
            }
        }

        if (resourcePolicy is not null)
        {
            switch (Evaluate(request, resourcePolicy, isResourcePolicy: true))
            {
                case Decision.ExplicitDeny:
                    return Decision.ExplicitDeny;
                case Decision.Allow:
                    allowed = true;
                    break;
            }
        }

        return allowed ? Decision.Allow : Decision.ImplicitDeny;
    }

    /// <summary>One policy on its own: ExplicitDeny if a Deny statement applies, else Allow if an Allow applies.</summary>
    public static Decision Evaluate(RequestContext request, PolicyDocument policy, bool isResourcePolicy)
    {
        var allowed = false;
        foreach (var statement in policy.Statements)
        {
            if (!Applies(statement, policy, request, isResourcePolicy))
                continue;
            if (statement.Effect == Effect.Deny)
                return Decision.ExplicitDeny;
            allowed = true;
        }

        return allowed ? Decision.Allow : Decision.ImplicitDeny;
    }

    private static bool Applies(PolicyStatement statement, PolicyDocument policy, RequestContext request, bool isResourcePolicy)
    {
        if (isResourcePolicy)
        {
            var named = statement.Principal is { } principals && PrincipalMatcher.Names(principals, request.Principal, statement.Effect);
            if (named == statement.NotPrincipal)
                return false;
        }

        var action = statement.Actions.Any(a => Wildcard.IsMatch(a, request.Action, ignoreCase: true));
        if (action == statement.NotAction)
            return false;

        var resource = statement.Resources.Any(r => ResourceMatches(r, policy, request));
        if (resource == statement.NotResource)
            return false;

        foreach (var condition in statement.Conditions)
        {
            if (!condition.Operator.IsSatisfied(request.Values(condition.Key), PolicyValues(condition, policy, request)))
                return false;
        }

        return true;
    }

    private static bool ResourceMatches(string pattern, PolicyDocument policy, RequestContext request)
    {
        if (pattern == "*")
            return true;
        var resolved = policy.SupportsVariables ? PolicyVariables.Substitute(pattern, request) : pattern;
        return resolved is not null && Wildcard.IsMatch(resolved, request.Resource);
    }

    private static IReadOnlyList<string> PolicyValues(PolicyCondition condition, PolicyDocument policy, RequestContext request)
    {
        if (!policy.SupportsVariables || !condition.Operator.TakesVariables || !condition.Values.Any(v => v.Contains("${", StringComparison.Ordinal)))
            return condition.Values;
        var values = new List<string>(condition.Values.Count);
        foreach (var value in condition.Values)
        {
            if (PolicyVariables.Substitute(value, request) is { } resolved)
                values.Add(resolved);
        }

        return values;
    }
}

/// <summary>Whether a statement's Principal names the requester.</summary>
internal static class PrincipalMatcher
{
    /// <summary>
    /// "*" names everyone, anonymous included. An account (its id or its root ARN) names, in an Allow, only the root:
    /// within one account AWS reads it as "delegate to the account's identity policies", which are evaluated on
    /// their own; in a Deny it names every principal of the account. User, role and session ARNs name exactly those
    /// (a role names its sessions); canonical ids name the principal with that id.
    /// </summary>
    public static bool Names(PrincipalSet principals, RequestPrincipal requester, Effect effect)
    {
        if (principals.Everyone)
            return true;
        if (requester.Type == RequestPrincipalType.Anonymous)
            return false;
        // A service principal (its name in Arn) is named by a "Service" value only.
        if (requester.Type == RequestPrincipalType.Service)
            return principals.Services.Contains(requester.Arn, StringComparer.Ordinal);
        foreach (var aws in principals.Aws)
        {
            var account = AccountOf(aws);
            if (account is not null)
            {
                if (account == requester.Account && (effect == Effect.Deny || requester.Type == RequestPrincipalType.Account))
                    return true;
            }
            else if (aws == requester.Arn || (requester.RoleArn is not null && aws == requester.RoleArn))
            {
                return true;
            }
        }

        return principals.CanonicalUsers.Contains(requester.CanonicalId, StringComparer.OrdinalIgnoreCase);
    }

    private static string? AccountOf(string aws)
    {
        if (aws.Length == 12 && aws.All(char.IsAsciiDigit))
            return aws;
        const string prefix = "arn:aws:iam::";
        return aws.StartsWith(prefix, StringComparison.Ordinal) && aws.EndsWith(":root", StringComparison.Ordinal)
            ? aws[prefix.Length..^":root".Length]
            : null;
    }
}
