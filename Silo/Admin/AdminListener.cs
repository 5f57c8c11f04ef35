namespace BoostedGrains.Silo.Admin;

/// <summary>
/// The admin API and dashboard on a listener of their own (<c>Admin__Urls</c>): the silo listens on those URLs too, serves
/// <c>/admin</c> and the dashboard only there, and answers 404 to them on its other URLs (and to anything else on the
/// admin ones). Requests are told apart by the local port they arrived on, not by their Host header, which the caller writes.
/// </summary>
public sealed class AdminListener
{
    private readonly HashSet<int> _ports;
    private readonly string[] _paths;

    private AdminListener(string[] urls, HashSet<int> ports, string[] paths)
    {
        Urls = urls;
        _ports = ports;
        _paths = paths;
    }

    /// <summary>The admin URLs, as configured.</summary>
    public IReadOnlyList<string> Urls { get; }

    /// <summary>The listener of <c>Admin__Urls</c>, or null when it is unset.</summary>
    /// <exception cref="InvalidOperationException">A URL cannot be read, has no fixed port, or shares its port with <paramref name="mainUrl"/>.</exception>
    public static AdminListener? From(AdminOptions admin, string mainUrl, string dashboardPath)
    {
        if (string.IsNullOrWhiteSpace(admin.Urls))
            return null;
        var urls = admin.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var ports = new HashSet<int>();
        foreach (var url in urls)
            ports.Add(Port(url, "Admin__Urls"));
        if (Uri.TryCreate(mainUrl, UriKind.Absolute, out var main) && ports.Contains(main.Port))
            throw new InvalidOperationException($"Admin__Urls '{admin.Urls}' shares a port with the silo's URL '{mainUrl}': give the admin API a port of its own.");
        return new AdminListener(urls, ports, ["/admin", dashboardPath]);
    }

    /// <summary>Answers 404 to admin paths on the main listener and to other paths on the admin one.</summary>
    public void Apply(IApplicationBuilder app) => app.Use((http, next) =>
    {
        var onAdmin = _ports.Contains(http.Connection.LocalPort);
        if (onAdmin == IsAdminPath(http.Request.Path))
            return next(http);
        http.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    });

    private bool IsAdminPath(PathString path)
    {
        foreach (var prefix in _paths)
        {
            if (path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase))
                return true;
        }
        return false;
    }

    private static int Port(string url, string setting)
    {
        // Kestrel's own forms: a host of '*' or '+' means every address.
        var readable = url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal);
        if (!Uri.TryCreate(readable, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new InvalidOperationException($"{setting} '{url}' is not an http or https URL.");
        if (uri.Port <= 0 || uri.IsDefaultPort && !readable.Contains($":{uri.Port}", StringComparison.Ordinal))
            throw new InvalidOperationException($"{setting} '{url}' has no port: give it a fixed one (e.g. http://127.0.0.1:9090).");
        return uri.Port;
    }
}
