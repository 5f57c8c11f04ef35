using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace BoostedGrains.Tests.Infrastructure;

/// <summary>Keeps every log line (message and exception) written by the hosts it is added to, for secret scans.</summary>
public sealed partial class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    /// <summary>The capture shared by every cluster, emulator and silo the suite starts.</summary>
    public static LogCapture Suite { get; } = new();

    private readonly ConcurrentBag<string> _secrets = [];

    public IReadOnlyCollection<string> Lines => _lines;

    /// <summary>Values that must never appear in a log line (client secrets, tokens, assertions) seen by any test.</summary>
    public IReadOnlyCollection<string> Secrets => _secrets;

    public void AddSecret(string secret)
    {
        if (!string.IsNullOrEmpty(secret))
            _secrets.Add(secret);
    }

    /// <summary>
    /// Every line that carries a registered secret or anything shaped like one (a JWT or JSON in base64url, a PEM
    /// private key, a form's client_secret, a bearer credential): "line: what" pairs, empty when the log is clean.
    /// Runs of secret-like characters are looked up in a set, so thousands of registered tokens scan quickly.
    /// </summary>
    public IReadOnlyList<string> FindLeaks()
    {
        var secrets = _secrets.ToHashSet(StringComparer.Ordinal);
        var lengths = secrets.Select(s => s.Length).ToHashSet();
        var leaks = new List<string>();
        foreach (var line in _lines)
        {
            foreach (System.Text.RegularExpressions.Match run in SecretRun().Matches(line))
            {
                var value = run.Value;
                // The whole run, and every window of a registered length inside it (a secret glued to other characters).
                if (secrets.Contains(value) || lengths.Any(n => n < value.Length && Enumerable.Range(0, value.Length - n + 1).Any(i => secrets.Contains(value.Substring(i, n)))))
                    leaks.Add($"{Shorten(line)}: a registered secret");
            }
            if (line.Contains("eyJ", StringComparison.Ordinal))
                leaks.Add($"{Shorten(line)}: base64url JSON (a JWT?)");
            if (line.Contains("PRIVATE KEY", StringComparison.Ordinal))
                leaks.Add($"{Shorten(line)}: a PEM private key");
            if (line.Contains("client_secret=", StringComparison.OrdinalIgnoreCase) || line.Contains("subject_token=", StringComparison.OrdinalIgnoreCase))
                leaks.Add($"{Shorten(line)}: a token request form");
            if (line.Contains("Bearer ", StringComparison.Ordinal) && BearerValue().IsMatch(line))
                leaks.Add($"{Shorten(line)}: a bearer credential");
        }
        return leaks;
    }

    // The secret's first characters only: the report must not repeat what it found.
    private static string Shorten(string line) => line.Length <= 60 ? line[..Math.Min(line.Length, 30)] + "..." : line[..60] + "...";

    [System.Text.RegularExpressions.GeneratedRegex("[A-Za-z0-9_\\-+/=.]{8,}")]
    private static partial System.Text.RegularExpressions.Regex SecretRun();

    [System.Text.RegularExpressions.GeneratedRegex("Bearer [A-Za-z0-9_\\-+/=.]{8,}")]
    private static partial System.Text.RegularExpressions.Regex BearerValue();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(LogCapture capture, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = $"{logLevel} {category}: {formatter(state, exception)}";
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
                line += " | " + string.Join(", ", values.Select(pair => $"{pair.Key}={pair.Value}"));
            capture._lines.Enqueue(exception is null ? line : line + Environment.NewLine + exception);
        }
    }
}
