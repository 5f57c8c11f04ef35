using System.Text.RegularExpressions;
using BoostedGrains.Testing;

namespace BoostedGrains.Tests.Docs;

/// <summary>
/// Every relative link in the repository's Markdown pages resolves: the file (or folder) exists, and a <c>#anchor</c>
/// names a heading of the target page, slugged the way GitHub renders it.
/// </summary>
public sealed partial class DocLinkTests
{
    public static TheoryData<string> Pages()
    {
        var pages = new TheoryData<string> { "README.md", "src/BoostedGrains.Emulator/README.md" };
        foreach (var page in Directory.GetFiles(Path.Combine(RepositoryRoot.Path, "docs"), "*.md").Order(StringComparer.Ordinal))
            pages.Add(Path.GetRelativePath(RepositoryRoot.Path, page).Replace('\\', '/'));
        return pages;
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public void Every_relative_link_resolves(string page)
    {
        var path = Path.Combine(RepositoryRoot.Path, page);
        var broken = Links(File.ReadAllText(path))
            .Where(target => !Resolves(path, target))
            .ToList();

        Assert.True(broken.Count == 0, $"{page} has links that do not resolve: {string.Join(", ", broken)}");
    }

    [Fact]
    public void The_readme_stays_a_short_page()
    {
        // The README is the newcomer's page; reference material belongs in docs/.
        var size = new FileInfo(Path.Combine(RepositoryRoot.Path, "README.md")).Length;
        Assert.True(size <= 10_240, $"README.md is {size} bytes; keep it at most 10,240 and move reference material to docs/.");
    }

    private static bool Resolves(string page, string target)
    {
        var hash = target.IndexOf('#');
        var file = hash < 0 ? target : target[..hash];
        var anchor = hash < 0 ? null : target[(hash + 1)..];
        var resolved = file.Length == 0 ? page : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(page)!, Uri.UnescapeDataString(file)));
        if (!File.Exists(resolved))
            return anchor is null && Directory.Exists(resolved);
        return anchor is null || Anchors(File.ReadAllText(resolved)).Contains(anchor);
    }

    /// <summary>The relative targets of inline links outside code blocks and code spans.</summary>
    private static IEnumerable<string> Links(string markdown) =>
        from line in Prose(markdown)
        from Match link in InlineLink().Matches(CodeSpan().Replace(line, ""))
        let target = link.Groups["target"].Value
        where !UriScheme().IsMatch(target)
        select target;

    /// <summary>The heading anchors GitHub makes: lower case, punctuation dropped, spaces as hyphens, repeats numbered.</summary>
    private static HashSet<string> Anchors(string markdown)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var line in Prose(markdown))
        {
            if (Heading().Match(line) is not { Success: true } heading)
                continue;
            var text = heading.Groups["text"].Value.Trim().ToLowerInvariant();
            var slug = NotInSlug().Replace(text, "").Replace(' ', '-');
            var count = seen.GetValueOrDefault(slug);
            seen[slug] = count + 1;
            anchors.Add(count == 0 ? slug : $"{slug}-{count}");
        }
        return anchors;
    }

    private static IEnumerable<string> Prose(string markdown)
    {
        var inFence = false;
        foreach (var line in markdown.Split('\n'))
        {
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
                inFence = !inFence;
            else if (!inFence)
                yield return line;
        }
    }

    [GeneratedRegex(@"\[[^\]]*\]\((?<target>[^)\s]+)\)")]
    private static partial Regex InlineLink();

    [GeneratedRegex("`[^`]*`")]
    private static partial Regex CodeSpan();

    [GeneratedRegex("^[a-z][a-z0-9+.-]*:", RegexOptions.IgnoreCase)]
    private static partial Regex UriScheme();

    [GeneratedRegex(@"^#{1,6}\s+(?<text>.+)$")]
    private static partial Regex Heading();

    // GitHub keeps letters, digits, spaces, hyphens and underscores; code spans' backticks and all else go.
    [GeneratedRegex(@"[^\p{L}\p{N} _-]")]
    private static partial Regex NotInSlug();
}
