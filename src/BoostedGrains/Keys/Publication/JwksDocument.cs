using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;

namespace BoostedGrains.Keys;

/// <summary>The serialized JWKS a silo serves, with its ETag. Built member by member, so no private member can slip in.</summary>
public sealed class JwksDocument
{
    private JwksDocument(ReadOnlyMemory<byte> json, string etag, IReadOnlyList<string> keyIds) =>
        (Json, ETag, KeyIds) = (json, etag, keyIds);

    /// <summary>The UTF-8 JSON: <c>{"keys":[...]}</c>.</summary>
    public ReadOnlyMemory<byte> Json { get; }

    /// <summary>A strong, quoted ETag derived from the content, so every silo serving the same keys gives the same ETag.</summary>
    public string ETag { get; }

    /// <summary>The <c>kid</c>s published, oldest first.</summary>
    public IReadOnlyList<string> KeyIds { get; }

    /// <summary>Serializes <paramref name="keys"/> with only <c>kty use alg kid</c> and <c>n e</c> or <c>crv x y</c>.</summary>
    public static JwksDocument Create(IEnumerable<PublicJwk> keys)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var kids = new List<string>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("keys");
            foreach (var key in keys)
            {
                writer.WriteStartObject();
                writer.WriteString("kty", key.Kty);
                writer.WriteString("use", "sig");
                writer.WriteString("alg", key.Alg);
                writer.WriteString("kid", key.Kid);
                if (key.Kty == "RSA")
                {
                    writer.WriteString("n", key.N);
                    writer.WriteString("e", key.E);
                }
                else
                {
                    writer.WriteString("crv", key.Crv);
                    writer.WriteString("x", key.X);
                    writer.WriteString("y", key.Y);
                }
                writer.WriteEndObject();
                kids.Add(key.Kid);
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        var json = buffer.WrittenMemory.ToArray();
        var etag = $"\"{Base64Url.EncodeToString(SHA256.HashData(json).AsSpan(0, 16))}\"";
        return new JwksDocument(json, etag, kids);
    }
}
