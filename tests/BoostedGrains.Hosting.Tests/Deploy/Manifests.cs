using System.Diagnostics;
using YamlDotNet.RepresentationModel;

namespace BoostedGrains.Hosting.Tests.Deploy;

/// <summary>
/// The Kubernetes manifests of deploy/ as a cluster would get them: rendered by <c>kubectl kustomize</c> when kubectl
/// is installed, else the base's files as they are (what the checks look at lives in the base; the overlays change
/// namespace, image, replicas and the Boosted host).
/// </summary>
internal sealed class Manifests
{
    private Manifests(IReadOnlyList<YamlMappingNode> documents) => Documents = documents;

    public IReadOnlyList<YamlMappingNode> Documents { get; }

    public static string Folder => Path.Combine(RepositoryRoot.Path, "deploy");

    public static bool KubectlInstalled { get; } = (Environment.GetEnvironmentVariable("PATH") ?? "")
        .Split(Path.PathSeparator).Any(dir => File.Exists(Path.Combine(dir, "kubectl")));

    public static Manifests Load(string overlay = "production") => new(Parse(KubectlInstalled ? Render(overlay) : BaseFiles()));

    public static Manifests LoadFile(string relativePath) => new(Parse(File.ReadAllText(Path.Combine(Folder, relativePath))));

    public YamlMappingNode Single(string kind, string? name = null) =>
        Assert.Single(Documents, d => Text(d, "kind") == kind && (name is null || Text(d, "metadata", "name") == name));

    public IEnumerable<YamlMappingNode> All(string kind) => Documents.Where(d => Text(d, "kind") == kind);

    /// <summary>The scalar at the path of keys, or null.</summary>
    public static string? Text(YamlNode node, params string[] path) => Node(node, path) is YamlScalarNode scalar ? scalar.Value : null;

    public static YamlNode? Node(YamlNode node, params string[] path)
    {
        foreach (var key in path)
        {
            if (node is not YamlMappingNode mapping || !mapping.Children.TryGetValue(new YamlScalarNode(key), out node!))
                return null;
        }
        return node;
    }

    public static IEnumerable<YamlMappingNode> Items(YamlNode node, params string[] path) =>
        Node(node, path) is YamlSequenceNode sequence ? sequence.Children.Cast<YamlMappingNode>() : [];

    private static string Render(string overlay)
    {
        using var kubectl = Process.Start(new ProcessStartInfo("kubectl", ["kustomize", Path.Combine(Folder, "overlays", overlay)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var error = kubectl.StandardError.ReadToEndAsync();
        var output = kubectl.StandardOutput.ReadToEnd();
        kubectl.WaitForExit();
        Assert.True(kubectl.ExitCode == 0, $"kubectl kustomize deploy/overlays/{overlay} failed: {error.Result}");
        return output;
    }

    private static string BaseFiles()
    {
        var kustomization = Parse(File.ReadAllText(Path.Combine(Folder, "base", "kustomization.yaml"))).Single();
        var resources = (YamlSequenceNode)Node(kustomization, "resources")!;
        return string.Join("\n---\n", resources.Children.Select(r => File.ReadAllText(Path.Combine(Folder, "base", ((YamlScalarNode)r).Value!))));
    }

    private static List<YamlMappingNode> Parse(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return stream.Documents.Select(d => d.RootNode).OfType<YamlMappingNode>().ToList();
    }
}
