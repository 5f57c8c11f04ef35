using System.Net.Mail;
using BoostedGrains.Errors;

namespace BoostedGrains.Tokens;

/// <summary>What Boosted is told about a user when it is created. All optional.</summary>
/// <param name="Email">The user's email address.</param>
/// <param name="Name">The user's display name.</param>
/// <param name="Workspace">The partner's external workspace ID; unset means <c>Boosted__DefaultWorkspace__ExternalId</c>.</param>
[GenerateSerializer, Immutable]
public sealed record UserProfile(
    [property: Id(0)] string? Email = null,
    [property: Id(1)] string? Name = null,
    [property: Id(2)] string? Workspace = null)
{
    /// <summary>The longest accepted value of any field.</summary>
    public const int MaxFieldLength = InputText.MaxLength;

    /// <summary>Throws <see cref="InvalidUserProfileException"/> for an oversized field or one with control characters.</summary>
    public UserProfile Validate()
    {
        Check(Email, "email");
        Check(Name, "name");
        Check(Workspace, "workspace");
        if (Workspace is not null && string.IsNullOrWhiteSpace(Workspace))
            throw new InvalidUserProfileException("The workspace is blank; leave it out to use the default workspace.");
        if (Email is not null && !IsEmail(Email))
            throw new InvalidUserProfileException(
                "The email is not an address Boosted accepts (one 'local@domain.tld', at most 254 characters, nothing around it); correct it or leave it out.");
        return this;
    }

    /// <summary>
    /// Boosted's email rule (docs/boosted-api.md): at most 254 characters, parsed whole as one address with nothing
    /// around it, and a domain with a dot. Checked here so that Boosted never refuses a profile the cluster accepted.
    /// </summary>
    private static bool IsEmail(string email) =>
        email.Length <= 254 && MailAddress.TryCreate(email, out var address) && address.Address == email
        && address.Host.Contains('.', StringComparison.Ordinal);

    private static void Check(string? value, string field)
    {
        if (value is not null && InputText.Problem(value, field) is { } problem)
            throw new InvalidUserProfileException(problem);
    }
}
