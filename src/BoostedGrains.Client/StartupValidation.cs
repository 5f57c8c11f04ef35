using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace BoostedGrains.Client;

/// <summary>
/// Validates options that are read while a host is composed (before its container exists), with the same data
/// annotations and the same exception that <c>ValidateOnStart</c> would give.
/// </summary>
internal static class StartupValidation
{
    public static T Validated<T>(T options) where T : class
    {
        var results = new List<ValidationResult>();
        if (Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
            return options;
        throw new OptionsValidationException(Options.DefaultName, typeof(T), results.Select(r => r.ErrorMessage ?? "invalid"));
    }
}
