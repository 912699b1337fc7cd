using System.Security.Cryptography;
using System.Text;

namespace Cairn.Auth.Internal;

internal static class SigningKey
{
    /// <summary>kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request").</summary>
    public static byte[] Derive(string secretKey, string date, string region, string service)
    {
        byte[] key = HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + secretKey), Encoding.UTF8.GetBytes(date));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(region));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(service));
        return HMACSHA256.HashData(key, "aws4_request"u8);
    }

    public static byte[] Sign(byte[] signingKey, string stringToSign) =>
        HMACSHA256.HashData(signingKey, Encoding.UTF8.GetBytes(stringToSign));
}
