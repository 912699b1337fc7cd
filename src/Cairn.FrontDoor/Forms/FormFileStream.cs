using Cairn.Core.Errors;

namespace Cairn.FrontDoor.Forms;

/// <summary>
/// A POST form's file as it arrives: the multipart decoder's stream, its framing errors answered as
/// MalformedPOSTRequest, and the policy's content-length-range enforced as the bytes pass, so an upload
/// that outgrows it fails before more of it is stored, and one that ends short fails at its end.
/// </summary>
public sealed class FormFileStream(Stream section, long minimum, long maximum) : Cairn.FrontDoor.Objects.ForwardOnlyStream
{
    public long BytesRead { get; private set; }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await Guard(() => section.ReadAsync(buffer, cancellationToken).AsTask()).ConfigureAwait(false);
        BytesRead += n;
        if (BytesRead > maximum)
        {
            throw new S3Exception(S3ErrorCode.EntityTooLarge, "Your proposed upload exceeds the maximum allowed size")
            {
                Details = new Dictionary<string, string> { ["MaxSizeAllowed"] = maximum.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            };
        }
        if (n == 0 && BytesRead < minimum)
        {
            throw new S3Exception(S3ErrorCode.EntityTooSmall, "Your proposed upload is smaller than the minimum allowed size")
            {
                Details = new Dictionary<string, string>
                {
                    ["ProposedSize"] = BytesRead.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["MinSizeAllowed"] = minimum.ToString(System.Globalization.CultureInfo.InvariantCulture),
                },
            };
        }
        return n;
    }

    /// <summary>
    /// Runs one step of the multipart decoder: a body that breaks its framing (a missing boundary, an end before
    /// the closing one, headers too long) is MalformedPOSTRequest. Kestrel's own failures (a client that stops
    /// sending, a body shorter than its Content-Length) pass through: the dispatcher answers those.
    /// </summary>
    public static async Task<T> Guard<T>(Func<Task<T>> step)
    {
        try
        {
            return await step().ConfigureAwait(false);
        }
        catch (Exception e) when (IsFraming(e))
        {
            throw PostForm.Malformed();
        }
    }

    public static T Guard<T>(Func<T> step)
    {
        try
        {
            return step();
        }
        catch (Exception e) when (IsFraming(e))
        {
            throw PostForm.Malformed();
        }
    }

    private static bool IsFraming(Exception e) =>
        e is InvalidDataException or ArgumentException
        || (e is IOException && e is not Microsoft.AspNetCore.Http.BadHttpRequestException && e is not Microsoft.AspNetCore.Connections.ConnectionResetException);


    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }
}
