namespace Cairn.Auth.Internal;

/// <summary>The parsed Credential value: AKID/yyyymmdd/region/service/aws4_request.</summary>
internal sealed record CredentialScope(string AccessKey, string Date, string Region, string Service)
{
    public string Scope => $"{Date}/{Region}/{Service}/{SigV4Constants.Terminator}";

    public static bool TryParse(string? credential, out CredentialScope scope)
    {
        scope = null!;
        if (string.IsNullOrEmpty(credential)) return false;
        var parts = credential.Split('/');
        if (parts.Length != 5) return false;
        var (accessKey, date, region, service, terminator) = (parts[0], parts[1], parts[2], parts[3], parts[4]);
        if (accessKey.Length == 0 || !IsToken(accessKey)) return false;
        if (date.Length != 8 || !date.All(char.IsAsciiDigit)) return false;
        if (region.Length is 0 or > 64 || !IsToken(region)) return false;
        if (service.Length is 0 or > 64 || !IsToken(service)) return false;
        if (terminator != SigV4Constants.Terminator) return false;
        scope = new CredentialScope(accessKey, date, region, service);
        return true;
    }

    private static bool IsToken(string s)
    {
        foreach (var c in s)
        {
            if (c <= ' ' || c >= 0x7F || c is ',' or ';' or '=') return false;
        }
        return true;
    }
}
