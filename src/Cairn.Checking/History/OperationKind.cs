namespace Cairn.Checking.History;

/// <summary>What a recorded S3 call asked for.</summary>
public enum OperationKind
{
    /// <summary>PutObject without conditions: always replaces the value.</summary>
    Put,

    /// <summary>PutObject with <c>If-None-Match: *</c>: creates the object only when the key is absent.</summary>
    PutIfAbsent,

    /// <summary>PutObject with <c>If-Match: "etag"</c>: replaces the object only while it still holds the expected value.</summary>
    PutIfMatch,

    /// <summary>GetObject: reads the value (identified by its unique body) or NoSuchKey.</summary>
    Get,

    /// <summary>DeleteObject in an unversioned bucket: 204 whether or not the key existed.</summary>
    Delete,

    /// <summary>DeleteObject with <c>If-Match: "etag"</c>: deletes only while the key holds the expected value.</summary>
    DeleteIfMatch,

    /// <summary>ListObjectsV2 over a prefix; the checker reads it as one existence read per key.</summary>
    List,

    /// <summary>One key's share of a listing: present (with the listed value when its ETag is known) or absent.</summary>
    Exists,
}
