namespace BoostedGrains.Hosting.Tests.Infrastructure;

/// <summary>Assertions that a byte sequence occurs, or does not occur, inside another.</summary>
internal static class ByteAssert
{
    public static void Contains(byte[] needle, byte[] haystack) =>
        Assert.True(haystack.AsSpan().IndexOf(needle) >= 0, $"The {needle.Length} bytes were not found.");

    public static void DoesNotContain(byte[] needle, byte[] haystack) =>
        Assert.True(haystack.AsSpan().IndexOf(needle) < 0, $"The {needle.Length} secret bytes were found in storage.");
}
