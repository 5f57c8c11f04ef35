using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace BoostedGrains.Tests.Infrastructure;

/// <summary>Keeps every log line (message and exception) written by the hosts it is added to, for secret scans.</summary>
public sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    /// <summary>The capture shared by every cluster, emulator and silo the suite starts.</summary>
    public static LogCapture Suite { get; } = new();

    private readonly ConcurrentBag<string> _secrets = [];

    public IReadOnlyCollection<string> Lines => _lines;

    /// <summary>Values that must never appear in a log line (client secrets, tokens, assertions) seen by any test.</summary>
    public IReadOnlyCollection<string> Secrets => _secrets;

    public void AddSecret(string secret) => _secrets.Add(secret);

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
