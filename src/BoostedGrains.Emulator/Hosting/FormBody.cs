using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace BoostedGrains.Emulator.Hosting;

/// <summary>Reads form bodies within the size limit without ever throwing on malformed input.</summary>
internal static class FormBody
{
    /// <summary>Returns the fields, or null with a reason; a URL-encoded body is parsed here, multipart by ASP.NET Core under a size cap.</summary>
    public static async Task<(Dictionary<string, StringValues>? Fields, string? Error)> ReadAsync(HttpContext ctx, bool allowMultipart)
    {
        var contentType = ctx.Request.ContentType ?? "";
        if (contentType.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            var bytes = await BodyReader.ReadAsync(ctx.Request, ctx.RequestAborted);
            if (bytes is null)
            {
                return (null, $"request body exceeds {BodyReader.MaxBytes} bytes");
            }

            try
            {
                using var reader = new FormReader(Encoding.UTF8.GetString(bytes));
                return (reader.ReadForm(), null);
            }
            catch (InvalidDataException)
            {
                return (null, "malformed form body");
            }
        }

        if (allowMultipart && contentType.StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            if (ctx.Request.ContentLength > BodyReader.MaxBytes)
            {
                return (null, $"request body exceeds {BodyReader.MaxBytes} bytes");
            }

            if (ctx.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                limit.MaxRequestBodySize = BodyReader.MaxBytes;
            }

            try
            {
                var form = await ctx.Request.ReadFormAsync(ctx.RequestAborted);
                return (form.ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal), null);
            }
            catch (Exception ex) when (ex is InvalidDataException or IOException or BadHttpRequestException)
            {
                return (null, "malformed or oversized multipart body");
            }
        }

        return (null, "the body must be application/x-www-form-urlencoded" + (allowMultipart ? " or multipart/form-data" : ""));
    }
}
