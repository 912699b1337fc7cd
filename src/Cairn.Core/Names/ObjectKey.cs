using System.Text;
using Cairn.Core.Errors;

namespace Cairn.Core.Names;

/// <summary>An object key: 1 to 1024 bytes of UTF-8.</summary>
public readonly record struct ObjectKey
{
    public const int MaxBytes = 1024;

    public string Value { get; }

    private ObjectKey(string value) => Value = value;

    public override string ToString() => Value;

    public static ObjectKey Parse(string key)
    {
        if (key.Length == 0) throw new S3Exception(S3ErrorCode.InvalidArgument, "Object key must not be empty");
        if (Encoding.UTF8.GetByteCount(key) > MaxBytes)
            throw new S3Exception(S3ErrorCode.KeyTooLongError) { Details = new Dictionary<string, string> { ["Size"] = Encoding.UTF8.GetByteCount(key).ToString(), ["MaxSizeAllowed"] = MaxBytes.ToString() } };
        // The index separates key from version with a NUL byte; XML 1.0 cannot carry one either.
        if (key.Contains('\0')) throw new S3Exception(S3ErrorCode.InvalidArgument, "Object key must not contain NUL");
        return new ObjectKey(key);
    }
}
