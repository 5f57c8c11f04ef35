using BoostedGrains.Client;
using BoostedGrains.Testing;
using BoostedGrains.Tokens;
using PublicApiGenerator;

namespace BoostedGrains.Integration.Tests.PublicApi;

/// <summary>
/// The two packages app servers reference keep the public API that is committed next to this test: a change to it is a
/// decision (and a version number), never a side effect.
/// </summary>
public sealed class PublicApiTests
{
    [Theory]
    [InlineData("BoostedGrains.Abstractions", typeof(IUserTokenGrain))]
    [InlineData("BoostedGrains.Client", typeof(IBoostedTokenProvider))]
    public void The_package_exposes_exactly_the_approved_public_API(string package, Type member)
    {
        Assert.Equal(package, member.Assembly.GetName().Name);
        var folder = Path.Combine(RepositoryRoot.Path, "tests", "BoostedGrains.Integration.Tests", "PublicApi");
        var approvedPath = Path.Combine(folder, $"{package}.approved.txt");
        var receivedPath = Path.Combine(folder, $"{package}.received.txt");
        var api = Normalize(member.Assembly.GeneratePublicApi(new ApiGeneratorOptions
        {
            // Orleans' generated serializers and the assembly attributes that list them are public for the runtime's sake,
            // not the package's API; the target framework is the package's, not its API's.
            DenyNamespacePrefixes = ["OrleansCodeGen"],
            ExcludeAttributes =
            [
                "Orleans.ApplicationPartAttribute",
                "Orleans.Serialization.Configuration.TypeManifestProviderAttribute",
                "System.Runtime.CompilerServices.InternalsVisibleToAttribute",
                "System.Runtime.Versioning.TargetFrameworkAttribute",
            ],
        }));
        var approved = File.Exists(approvedPath) ? Normalize(File.ReadAllText(approvedPath)) : "";

        if (api == approved)
        {
            File.Delete(receivedPath);
            return;
        }
        File.WriteAllText(receivedPath, api);
        Assert.Fail(
            $"The public API of {package} is not the approved one. The current API is in {receivedPath}; compare it with " +
            $"{approvedPath}. If the change is intended, accept it by moving the received file over the approved one " +
            $"(mv '{receivedPath}' '{approvedPath}') and commit it.");
    }

    private static string Normalize(string text) => text.ReplaceLineEndings("\n").TrimEnd() + "\n";
}
