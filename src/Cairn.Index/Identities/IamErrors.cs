using Cairn.Core.Errors;

namespace Cairn.Index.Identities;

/// <summary>
/// IAM's errors, with the codes, statuses and messages IAM answers. They travel as <see cref="S3Exception"/> (the typed
/// error every plane raises and a replicated shard stores) and the IAM endpoint renders them as IAM's ErrorResponse.
/// </summary>
public static class IamErrors
{
    public static readonly S3ErrorCode EntityAlreadyExistsCode = new("EntityAlreadyExists", 409, "The request was rejected because it attempted to create a resource that already exists.");
    public static readonly S3ErrorCode NoSuchEntityCode = new("NoSuchEntity", 404, "The request was rejected because it referenced a resource entity that does not exist.");
    public static readonly S3ErrorCode LimitExceededCode = new("LimitExceeded", 409, "The request was rejected because it attempted to create resources beyond the current AWS account limits.");
    public static readonly S3ErrorCode DeleteConflictCode = new("DeleteConflict", 409, "The request was rejected because it attempted to delete a resource that has attached subordinate entities.");
    public static readonly S3ErrorCode MalformedPolicyDocumentCode = new("MalformedPolicyDocument", 400, "The request was rejected because the policy document was malformed.");
    public static readonly S3ErrorCode ValidationErrorCode = new("ValidationError", 400, "The input fails to satisfy the constraints specified by an AWS service.");
    public static readonly S3ErrorCode InvalidInputCode = new("InvalidInput", 400, "The request was rejected because an invalid or out-of-range value was supplied for an input parameter.");
    public static readonly S3ErrorCode InvalidActionCode = new("InvalidAction", 400, "The action or operation requested is invalid. Verify that the action is typed correctly.");
    public static readonly S3ErrorCode MissingActionCode = new("MissingAction", 400, "The request is missing an action or a required parameter.");
    public static readonly S3ErrorCode InvalidClientTokenIdCode = new("InvalidClientTokenId", 403, "The security token included in the request is invalid.");
    public static readonly S3ErrorCode MissingAuthenticationTokenCode = new("MissingAuthenticationToken", 403, "Request is missing Authentication Token");

    public static S3Exception EntityAlreadyExists(string what, string name) => new(EntityAlreadyExistsCode, $"{what} with name {name} already exists.");

    public static S3Exception NoSuchEntity(string what, string name) => new(NoSuchEntityCode, $"The {what} with name {name} cannot be found.");

    public static S3Exception NoSuchAccessKey(string accessKeyId) => new(NoSuchEntityCode, $"The Access Key with id {accessKeyId} cannot be found");

    public static S3Exception DeleteConflict(string what) => new(DeleteConflictCode, $"Cannot delete entity, must {what} first.");

    public static S3Exception LimitExceeded(string message) => new(LimitExceededCode, message);

    public static S3Exception MalformedPolicyDocument(string message) => new(MalformedPolicyDocumentCode, message);

    public static S3Exception ValidationError(string message) => new(ValidationErrorCode, message);

    public static S3Exception InvalidInput(string message) => new(InvalidInputCode, message);
}
