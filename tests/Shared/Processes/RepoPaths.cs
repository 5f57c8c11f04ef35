namespace BoostedGrains.Testing;

/// <summary>Where the repository and the build outputs of the Silo and emulator (built as project references) are.</summary>
internal static class RepoPaths
{
    public static string Root => RepositoryRoot.Path;

    // bin/<Configuration>/net10.0/: the referenced projects were built with the same configuration.
    private static string Configuration => new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')).Parent!.Name;

    public static string SiloDll => Output(Path.Combine("Silo", "bin"), "BoostedGrains.Silo.dll");

    public static string EmulatorDll => Output(Path.Combine("src", "BoostedGrains.Emulator", "bin"), "BoostedGrains.Emulator.dll");

    public static string ComposeFile => Path.Combine(Root, "docker-compose.yml");

    private static string Output(string bin, string dll)
    {
        var path = Path.Combine(Root, bin, Configuration, "net10.0", dll);
        return File.Exists(path) ? path : throw new FileNotFoundException($"{dll} is not built at {path}: build the solution first.", path);
    }

}
