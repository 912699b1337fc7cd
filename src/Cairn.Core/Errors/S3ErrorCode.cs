namespace Cairn.Core.Errors;

/// <summary>An S3 error code with the HTTP status and message AWS documents for it.</summary>
public sealed record S3ErrorCode(string Code, int Status, string DefaultMessage)
{
    public static readonly S3ErrorCode AccessDenied = new("AccessDenied", 403, "Access Denied");
    /// <summary>A CORS preflight S3 refuses (no configuration, no matching rule).</summary>
    public static readonly S3ErrorCode AccessForbidden = new("AccessForbidden", 403, "CORSResponse: This CORS request is not allowed.");
    public static readonly S3ErrorCode BadRequest = new("BadRequest", 400, "Bad Request");
    public static readonly S3ErrorCode BadDigest = new("BadDigest", 400, "The Content-MD5 or checksum value that you specified did not match what the server received.");
    public static readonly S3ErrorCode BucketAlreadyExists = new("BucketAlreadyExists", 409, "The requested bucket name is not available.");
    public static readonly S3ErrorCode BucketAlreadyOwnedByYou = new("BucketAlreadyOwnedByYou", 409, "Your previous request to create the named bucket succeeded and you already own it.");
    public static readonly S3ErrorCode BucketNotEmpty = new("BucketNotEmpty", 409, "The bucket you tried to delete is not empty");
    public static readonly S3ErrorCode EntityTooLarge = new("EntityTooLarge", 400, "Your proposed upload exceeds the maximum allowed object size.");
    public static readonly S3ErrorCode EntityTooSmall = new("EntityTooSmall", 400, "Your proposed upload is smaller than the minimum allowed object size.");
    public static readonly S3ErrorCode IncompleteBody = new("IncompleteBody", 400, "You did not provide the number of bytes specified by the Content-Length HTTP header.");
    public static readonly S3ErrorCode InternalError = new("InternalError", 500, "We encountered an internal error. Please try again.");
    public static readonly S3ErrorCode InvalidAccessKeyId = new("InvalidAccessKeyId", 403, "The AWS Access Key Id you provided does not exist in our records.");
    /// <summary>A session token that is forged, altered or not the one of the access key.</summary>
    public static readonly S3ErrorCode InvalidToken = new("InvalidToken", 400, "The provided token is malformed or otherwise invalid.");
    public static readonly S3ErrorCode ExpiredToken = new("ExpiredToken", 400, "The provided token has expired.");
    public static readonly S3ErrorCode InvalidArgument = new("InvalidArgument", 400, "Invalid Argument");
    public static readonly S3ErrorCode InvalidBucketName = new("InvalidBucketName", 400, "The specified bucket is not valid.");
    public static readonly S3ErrorCode InvalidDigest = new("InvalidDigest", 400, "The Content-MD5 you specified is not valid.");
    public static readonly S3ErrorCode InvalidPart = new("InvalidPart", 400, "One or more of the specified parts could not be found. The part might not have been uploaded, or the specified entity tag might not have matched the part's entity tag.");
    public static readonly S3ErrorCode InvalidPartOrder = new("InvalidPartOrder", 400, "The list of parts was not in ascending order. The parts list must be specified in order by part number.");
    public static readonly S3ErrorCode InvalidPartNumber = new("InvalidPartNumber", 416, "The requested partnumber is not satisfiable");
    public static readonly S3ErrorCode InvalidTag = new("InvalidTag", 400, "The tag provided was not a valid tag.");
    public static readonly S3ErrorCode InvalidRange = new("InvalidRange", 416, "The requested range is not satisfiable");
    public static readonly S3ErrorCode InvalidRedirectLocation = new("InvalidRedirectLocation", 400, "The website redirect location must have a prefix of 'http://' or 'https://' or '/'.");
    public static readonly S3ErrorCode InvalidRequest = new("InvalidRequest", 400, "Invalid Request");
    public static readonly S3ErrorCode InvalidURI = new("InvalidURI", 400, "Couldn't parse the specified URI.");
    public static readonly S3ErrorCode InvalidStorageClass = new("InvalidStorageClass", 400, "The storage class you specified is not valid");
    public static readonly S3ErrorCode KeyTooLongError = new("KeyTooLongError", 400, "Your key is too long");
    public static readonly S3ErrorCode MaxMessageLengthExceeded = new("MaxMessageLengthExceeded", 400, "Your request was too big.");
    public static readonly S3ErrorCode MalformedXML = new("MalformedXML", 400, "The XML you provided was not well-formed or did not validate against our published schema.");
    public static readonly S3ErrorCode IncorrectNumberOfFilesInPostRequest = new("IncorrectNumberOfFilesInPostRequest", 400, "POST requires exactly one file upload per request.");
    public static readonly S3ErrorCode InvalidPolicyDocument = new("InvalidPolicyDocument", 400, "The content of the form does not meet the conditions specified in the policy document.");
    public static readonly S3ErrorCode MalformedPOSTRequest = new("MalformedPOSTRequest", 400, "The body of your POST request is not well-formed multipart/form-data.");
    public static readonly S3ErrorCode MaxPostPreDataLengthExceededError = new("MaxPostPreDataLengthExceededError", 400, "Your POST request fields preceding the upload file were too large.");
    public static readonly S3ErrorCode MethodNotAllowed = new("MethodNotAllowed", 405, "The specified method is not allowed against this resource.");
    public static readonly S3ErrorCode MissingContentLength = new("MissingContentLength", 411, "You must provide the Content-Length HTTP header.");
    public static readonly S3ErrorCode NoSuchBucket = new("NoSuchBucket", 404, "The specified bucket does not exist");
    public static readonly S3ErrorCode NoSuchKey = new("NoSuchKey", 404, "The specified key does not exist.");
    public static readonly S3ErrorCode NoSuchVersion = new("NoSuchVersion", 404, "The specified version does not exist.");
    public static readonly S3ErrorCode NoSuchCORSConfiguration = new("NoSuchCORSConfiguration", 404, "The CORS configuration does not exist");
    public static readonly S3ErrorCode NoSuchTagSet = new("NoSuchTagSet", 404, "The TagSet does not exist");
    public static readonly S3ErrorCode ServerSideEncryptionConfigurationNotFoundError = new("ServerSideEncryptionConfigurationNotFoundError", 404, "The server side encryption configuration was not found");
    public static readonly S3ErrorCode NoSuchWebsiteConfiguration = new("NoSuchWebsiteConfiguration", 404, "The specified bucket does not have a website configuration");
    public static readonly S3ErrorCode NoSuchBucketPolicy = new("NoSuchBucketPolicy", 404, "The bucket policy does not exist");
    public static readonly S3ErrorCode MalformedPolicy = new("MalformedPolicy", 400, "This policy contains invalid Json");
    public static readonly S3ErrorCode NoSuchPublicAccessBlockConfiguration = new("NoSuchPublicAccessBlockConfiguration", 404, "The public access block configuration was not found");
    public static readonly S3ErrorCode NoSuchUpload = new("NoSuchUpload", 404, "The specified multipart upload does not exist.");
    public static readonly S3ErrorCode NotImplemented = new("NotImplemented", 501, "A header or query you provided implies functionality that is not implemented.");
    public static readonly S3ErrorCode NotModified = new("NotModified", 304, "Not Modified");
    public static readonly S3ErrorCode PreconditionFailed = new("PreconditionFailed", 412, "At least one of the pre-conditions you specified did not hold");
    public static readonly S3ErrorCode RequestTimeTooSkewed = new("RequestTimeTooSkewed", 403, "The difference between the request time and the current time is too large.");
    public static readonly S3ErrorCode SignatureDoesNotMatch = new("SignatureDoesNotMatch", 403, "The request signature we calculated does not match the signature you provided. Check your key and signing method.");
    public static readonly S3ErrorCode AuthorizationHeaderMalformed = new("AuthorizationHeaderMalformed", 400, "The authorization header is malformed.");
    public static readonly S3ErrorCode AuthorizationQueryParametersError = new("AuthorizationQueryParametersError", 400, "Error parsing the X-Amz-Credential parameter.");
    public static readonly S3ErrorCode XAmzContentSHA256Mismatch = new("XAmzContentSHA256Mismatch", 400, "The provided 'x-amz-content-sha256' header does not match what was computed.");
    /// <summary>PutBucketLogging's refusal of its target bucket (absent, or another owner's).</summary>
    public static readonly S3ErrorCode InvalidTargetBucketForLogging = new("InvalidTargetBucketForLogging", 400, "The target bucket for logging does not exist, is not owned by you, or does not have the appropriate grants for the log-delivery group.");
    /// <summary>A logging target in another region (S3 spells the code so).</summary>
    public static readonly S3ErrorCode CrossLocationLoggingProhibitted = new("CrossLocationLoggingProhibitted", 403, "Cross S3 location logging not allowed.");
    public static readonly S3ErrorCode InvalidObjectState = new("InvalidObjectState", 403, "The operation is not valid for the object's storage class");
    public static readonly S3ErrorCode RestoreAlreadyInProgress = new("RestoreAlreadyInProgress", 409, "Object restore is already in progress");
    public static readonly S3ErrorCode NoSuchLifecycleConfiguration = new("NoSuchLifecycleConfiguration", 404, "The lifecycle configuration does not exist");
    public static readonly S3ErrorCode InvalidBucketState = new("InvalidBucketState", 409, "The request is not valid with the current state of the bucket.");
    public static readonly S3ErrorCode ObjectLockConfigurationNotFoundError = new("ObjectLockConfigurationNotFoundError", 404, "Object Lock configuration does not exist for this bucket");
    public static readonly S3ErrorCode NoSuchObjectLockConfiguration = new("NoSuchObjectLockConfiguration", 404, "The specified object does not have a ObjectLock configuration");
    public static readonly S3ErrorCode OperationAborted = new("OperationAborted", 409, "A conflicting conditional operation is currently in progress against this resource. Try again.");
    public static readonly S3ErrorCode ServiceUnavailable = new("ServiceUnavailable", 503, "Please reduce your request rate.");
    /// <summary>Not S3's: a range refused a command for a key it no longer owns (it split); the router retries elsewhere.</summary>
    public static readonly S3ErrorCode RangeMoved = new("CairnRangeMoved", 503, "The key moved to another range; retry.");
    public static readonly S3ErrorCode SlowDown = new("SlowDown", 503, "Please reduce your request rate.");
    public static readonly S3ErrorCode RequestTimeout = new("RequestTimeout", 400, "Your socket connection to the server was not read from or written to within the timeout period. Idle connections will be closed.");
    public static readonly S3ErrorCode RequestHeaderSectionTooLarge = new("RequestHeaderSectionTooLarge", 400, "Your request header section exceeds the maximum allowed size.");
    public static readonly S3ErrorCode MetadataTooLarge = new("MetadataTooLarge", 400, "Your metadata headers exceed the maximum allowed metadata size.");
}
