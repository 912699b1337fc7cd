using Cairn.Core.Errors;
using Cairn.Core.Names;

namespace Cairn.Core.Tests;

public sealed class NameTests
{
    [Theory]
    [InlineData("abc", true)]
    [InlineData("my.bucket-1", true)]
    [InlineData("ab", false)]
    [InlineData("a234567890123456789012345678901234567890123456789012345678901234", false)]
    [InlineData("Caps", false)]
    [InlineData("a_b", false)]
    [InlineData(".abc", false)]
    [InlineData("abc-", false)]
    [InlineData("a..b", false)]
    [InlineData("a.-b", false)]
    [InlineData("10.0.0.1", false)]
    [InlineData("sthree-x", false)]
    [InlineData("x-s3alias", false)]
    public void Bucket_name_rules(string name, bool valid) => Assert.Equal(valid, BucketName.IsValid(name));

    [Fact]
    public void Keys_are_limited_to_1024_utf8_bytes()
    {
        ObjectKey.Parse(new string('a', 1024));
        Assert.Equal("KeyTooLongError", Assert.Throws<S3Exception>(() => ObjectKey.Parse(new string('a', 1025))).Code.Code);
        // 512 two-byte characters are 1024 bytes; one more is too long.
        ObjectKey.Parse(new string('é', 512));
        Assert.Throws<S3Exception>(() => ObjectKey.Parse(new string('é', 513)));
    }
}
