namespace BoostedGrains.Hosting;

/// <summary>The grain storage every persistent BoostedGrains grain uses (in-memory embedded, Azure Table in production).</summary>
public static class GrainStorage
{
    public const string Name = "boosted";
}
