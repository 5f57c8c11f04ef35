using System.Text;

namespace BoostedGrains.Hosting;

/// <summary>The grain storage every persistent BoostedGrains grain uses (in-memory embedded, Azure Table in production).</summary>
public static class GrainStorage
{
    public const string Name = "boosted";

    // Providers rewrite some characters of a key (Azure Table turns / \ # ? into '_'), so two IDs could share a row;
    // escaped, they cannot. Control characters are escaped too, since Azure refuses them.
    private const char Escape = '~';

    /// <summary>The grain ID a grain's state is stored under: the same type, its key with <see cref="EncodeKey"/>.</summary>
    public static GrainId StorageId(GrainId grainId)
    {
        var key = grainId.Key.ToString();
        var encoded = EncodeKey(key);
        return ReferenceEquals(encoded, key) ? grainId : GrainId.Create(grainId.Type, encoded);
    }

    /// <summary>
    /// The key with every character a provider may rewrite or refuse, and <c>~</c> itself, written as <c>~</c> and two
    /// hex digits: injective, and a key with none of them (nearly every ID) is unchanged, so its stored row stays where it was.
    /// </summary>
    public static string EncodeKey(string key)
    {
        if (key.AsSpan().IndexOfAny(Escaped) < 0 && !key.Any(char.IsControl))
            return key;
        var encoded = new StringBuilder(key.Length + 8);
        foreach (var c in key)
        {
            if (NeedsEscape(c))
                encoded.Append(Escape).Append(((int)c).ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            else
                encoded.Append(c);
        }
        return encoded.ToString();
    }

    private static readonly System.Buffers.SearchValues<char> Escaped = System.Buffers.SearchValues.Create("/\\#?~");

    // Every escaped character is below U+0100 (controls end at U+009F), so two hex digits always suffice.
    private static bool NeedsEscape(char c) => Escaped.Contains(c) || char.IsControl(c);
}
