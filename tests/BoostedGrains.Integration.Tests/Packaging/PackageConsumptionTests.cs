using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;
using BoostedGrains.Client;
using BoostedGrains.Testing;

namespace BoostedGrains.Integration.Tests.Packaging;

/// <summary>
/// An app server consumes BoostedGrains as .NET teams consume libraries: the two packages are packed from this build
/// into a folder, and a new app outside the repository that references only <c>BoostedGrains.Client</c> from that
/// folder restores, compiles against types of both packages, and runs.
/// </summary>
public sealed class PackageConsumptionTests : IDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(3);

    private readonly string _root = Directory.CreateTempSubdirectory("bg-package-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    // bin/<Configuration>/net10.0/: the packed projects were built as references of this one, in the same configuration.
    private static string Configuration => new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')).Parent!.Name;

    private static string Version => typeof(IBoostedTokenProvider).Assembly.GetName().Version!.ToString(3);

    [Fact]
    public async Task A_new_app_referencing_only_the_Client_package_restores_it_with_Abstractions_compiles_and_runs()
    {
        var feed = Directory.CreateDirectory(Path.Combine(_root, "feed")).FullName;
        foreach (var project in new[] { "BoostedGrains.Abstractions", "BoostedGrains.Client" })
        {
            // --no-build packs what the solution build produced; building again here would rewrite files other tests load.
            await DotnetAsync(RepositoryRoot.Path, "pack", Path.Combine("src", project), "--no-build", "-c", Configuration, "-o", feed);
            AssertPackageContents(Path.Combine(feed, $"{project}.{Version}.nupkg"), project);
            Assert.True(File.Exists(Path.Combine(feed, $"{project}.{Version}.snupkg")), $"{project} has no symbols package");
        }

        var app = WriteApp(feed);
        await DotnetAsync(app, "build");
        var output = await DotnetAsync(app, Path.Combine("bin", "Debug", "net10.0", "PackageConsumer.dll"));

        Assert.Equal($"BoostedGrains.Client {Version}; BoostedGrains.Abstractions {Version}; token for alice: Bearer", output.Trim());
        // Restored from the feed into this test's own packages folder: the very package packed above (same SHA-512), not a
        // copy cached by an earlier run, another checkout or a developer's try of the package.
        using var assets = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(app, "obj", "project.assets.json")));
        var libraries = assets.RootElement.GetProperty("libraries");
        foreach (var package in new[] { "BoostedGrains.Client", "BoostedGrains.Abstractions" })
        {
            Assert.True(libraries.TryGetProperty($"{package}/{Version}", out _), $"{package} {Version} is not in the app's restore graph");
            var restored = Path.Combine(_root, "packages", package.ToLowerInvariant(), Version);
            Assert.True(Directory.Exists(restored), $"{package} {Version} was not restored into the test's packages folder");
            Assert.Equal(Sha512(Path.Combine(feed, $"{package}.{Version}.nupkg")),
                (await File.ReadAllTextAsync(Path.Combine(restored, $"{package.ToLowerInvariant()}.{Version}.nupkg.sha512"))).Trim());
        }
    }

    private static void AssertPackageContents(string nupkg, string id)
    {
        using var package = ZipFile.OpenRead(nupkg);
        var entries = package.Entries.Select(e => e.FullName).ToHashSet();
        Assert.Contains($"lib/net10.0/{id}.dll", entries);
        Assert.Contains($"lib/net10.0/{id}.xml", entries);
        Assert.Contains("README.md", entries);
        using var nuspec = new StreamReader(package.GetEntry($"{id}.nuspec")!.Open());
        var metadata = System.Xml.Linq.XDocument.Parse(nuspec.ReadToEnd()).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        string Field(string name) => metadata.Elements().Single(e => e.Name.LocalName == name).Value;
        Assert.Equal(id, Field("id"));
        Assert.Equal(Version, Field("version"));
        Assert.Equal("MIT", Field("license"));
        Assert.Equal("README.md", Field("readme"));
        Assert.False(string.IsNullOrWhiteSpace(Field("description")));
        Assert.StartsWith("https://", metadata.Elements().Single(e => e.Name.LocalName == "repository").Attribute("url")!.Value);
    }

    /// <summary>A console app in its own folder: empty Directory.*.props stop MSBuild from finding any above it.</summary>
    private string WriteApp(string feed)
    {
        var app = Directory.CreateDirectory(Path.Combine(_root, "app")).FullName;
        File.WriteAllText(Path.Combine(_root, "Directory.Build.props"), "<Project />");
        File.WriteAllText(Path.Combine(_root, "Directory.Packages.props"), "<Project />");
        // Packages restore into a folder of this test. Source mapping takes BoostedGrains.* from the fresh feed only;
        // everything else comes from the machine's global packages folder, read as a local source, so nothing is
        // downloaded again. No fallback folder: one would hand out a BoostedGrains.Client that an earlier try of the
        // package left in the global folder, instead of the one packed here.
        File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config>
                <add key="globalPackagesFolder" value="{Path.Combine(_root, "packages")}" />
              </config>
              <packageSources>
                <clear />
                <add key="boostedgrains-test-feed" value="{feed}" />
                <add key="machine-global-packages" value="{GlobalPackagesFolder()}" />
              </packageSources>
              <packageSourceMapping>
                <packageSource key="boostedgrains-test-feed">
                  <package pattern="BoostedGrains.*" />
                </packageSource>
                <packageSource key="machine-global-packages">
                  <package pattern="*" />
                </packageSource>
              </packageSourceMapping>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(app, "PackageConsumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="BoostedGrains.Client" Version="{Version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(app, "Program.cs"), """
            using BoostedGrains.Client;
            using BoostedGrains.Tokens;

            IBoostedTokenProvider tokens = new FixedTokens();
            var token = await tokens.GetTokenAsync("alice");
            Console.WriteLine($"{Describe(typeof(IBoostedTokenProvider))}; {Describe(typeof(AccessToken))}; token for alice: {token.TokenType}");

            static string Describe(Type type) => $"{type.Assembly.GetName().Name} {type.Assembly.GetName().Version!.ToString(3)}";

            sealed class FixedTokens : IBoostedTokenProvider
            {
                public Task<AccessToken> GetTokenAsync(string userId, CancellationToken cancellationToken = default) =>
                    Task.FromResult(new AccessToken("token", DateTimeOffset.UtcNow.AddHours(1), "thread"));

                public Task ReportRejectedAsync(string userId, AccessToken token, CancellationToken cancellationToken = default) => Task.CompletedTask;
            }
            """);
        return app;
    }

    private static string Sha512(string file)
    {
        using var stream = File.OpenRead(file);
        return Convert.ToBase64String(System.Security.Cryptography.SHA512.HashData(stream));
    }

    private static string GlobalPackagesFolder() =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    /// <summary>Runs the dotnet CLI; fails the test with its output unless it exits 0.</summary>
    private static async Task<string> DotnetAsync(string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        if (args[0] is "pack" or "build")
        {
            // No build servers left behind: this test must not keep MSBuild nodes or the compiler server running.
            start.ArgumentList.Add("-nodeReuse:false");
            start.ArgumentList.Add("-p:UseSharedCompilation=false");
        }
        // The test host runs under `dotnet test`, whose MSBuild settings would point the child at the wrong SDK parts.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(key);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(CommandTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {string.Join(' ', args)} did not finish within {CommandTimeout}.\n{await output}\n{await error}");
        }
        Assert.True(process.ExitCode == 0, $"dotnet {string.Join(' ', args)} exited {process.ExitCode}:\n{await output}\n{await error}");
        return await output;
    }
}
