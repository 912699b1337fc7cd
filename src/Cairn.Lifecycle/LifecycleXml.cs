namespace Cairn.Lifecycle;

/// <summary>The lifecycle configuration as S3 puts it on the wire.</summary>
public static class LifecycleXml
{
    public const string Namespace = "http://s3.amazonaws.com/doc/2006-03-01/";

    /// <summary>
    /// Reads and validates a PutBucketLifecycleConfiguration body. Every configuration AWS would refuse
    /// throws <see cref="Cairn.Core.Errors.S3Exception"/> (MalformedXML, InvalidArgument or InvalidRequest).
    /// </summary>
    public static LifecycleConfiguration Parse(ReadOnlySpan<byte> body)
    {
        var configuration = LifecycleXmlReader.Read(body);
        LifecycleValidator.Validate(configuration);
        return configuration;
    }

    public static LifecycleConfiguration Parse(byte[] body) => Parse(body.AsSpan());

    /// <summary>The GetBucketLifecycleConfiguration response body.</summary>
    public static string Write(LifecycleConfiguration configuration) => LifecycleXmlWriter.Write(configuration);
}
