using System.Text;
using BoostedGrains.Keys;

namespace BoostedGrains.Tests.Tokens;

/// <summary>A stand-in for the key ring: an unsigned "assertion" that carries the subject, so the fake Boosted can read it.</summary>
public sealed class SubjectEchoSigner : IAssertionSigner
{
    public ValueTask<string> CreateAssertionAsync(string subject, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult($"assertion:{Convert.ToBase64String(Encoding.UTF8.GetBytes(subject))}:{Guid.NewGuid():N}");

    public static string SubjectOf(string assertion) => Encoding.UTF8.GetString(Convert.FromBase64String(assertion.Split(':')[1]));
}
