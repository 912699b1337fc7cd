namespace Cairn.Policies;

/// <summary>Which service validates a document: the two answer different error codes and forbid different things.</summary>
public enum PolicyKind
{
    /// <summary>A resource policy on a bucket: Principal required, resources within the bucket; S3's MalformedPolicy.</summary>
    Bucket,

    /// <summary>An IAM identity policy (user, group, role, session): no Principal; IAM's MalformedPolicyDocument.</summary>
    Identity,

    /// <summary>A role's trust policy (who may assume it): a resource policy with a Principal, STS actions and no Resource; IAM's MalformedPolicyDocument.</summary>
    Trust,
}

/// <summary>A policy document AWS would refuse, with the error code and message its service answers.</summary>
public sealed class MalformedPolicyException(PolicyKind kind, string message) : Exception(message)
{
    public PolicyKind Kind { get; } = kind;

    /// <summary>S3 answers 400 MalformedPolicy; IAM answers 400 MalformedPolicyDocument.</summary>
    public string Code => Kind == PolicyKind.Bucket ? "MalformedPolicy" : "MalformedPolicyDocument";
}
