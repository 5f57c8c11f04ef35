namespace BoostedGrains.Testing;

/// <summary>The repository's root folder (the one holding BoostedGrains.sln), found above the test binaries.</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "BoostedGrains.sln")))
                return dir.FullName;
        }
        throw new DirectoryNotFoundException("BoostedGrains.sln not found above " + AppContext.BaseDirectory);
    }
}
