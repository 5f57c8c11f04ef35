using System.Diagnostics.Metrics;
using BoostedGrains.Tokens;
using Microsoft.Extensions.Logging;

namespace BoostedGrains.Diagnostics;

/// <summary>
/// The audit trail of operators' actions: one structured log event per action (category <c>BoostedGrains.Audit</c>,
/// event <c>AdminAction</c>) with the action, its target and the caller's configured key name, never a key; and the
/// counter <c>boostedgrains.admin.actions</c> by action and outcome. What it prints is escaped (<see cref="InputText.Escape"/>).
/// </summary>
public sealed partial class AdminAudit
{
    /// <summary>The log category of the audit events.</summary>
    public const string Category = "BoostedGrains.Audit";

    private readonly ILogger _logger;
    private readonly Counter<long> _actions;

    public AdminAudit(ILoggerFactory loggers, IMeterFactory meters)
    {
        _logger = loggers.CreateLogger(Category);
        _actions = meters.Create(BoostedGrainsMetrics.MeterName).CreateCounter<long>("boostedgrains.admin.actions",
            description: "Admin actions (action=rotate|revoke|reprovision|import|login_failed) by outcome (done|not_found|already_done|failed|refused).");
    }

    /// <summary>Records that <paramref name="caller"/> did <paramref name="action"/> to <paramref name="target"/>, with this outcome.</summary>
    public void Record(string action, string target, string caller, string outcome)
    {
        _actions.Add(1, new KeyValuePair<string, object?>("action", action), new KeyValuePair<string, object?>("outcome", outcome));
        // Escaped: a target or caller carrying a newline or a bidirectional control cannot forge or disguise a line.
        LogAction(_logger, InputText.Escape(action), InputText.Escape(target), InputText.Escape(caller), InputText.Escape(outcome));
    }

    [LoggerMessage(EventId = 9001, EventName = "AdminAction", Level = LogLevel.Information,
        Message = "Admin action {Action} on {Target} by {Caller}: {Outcome}")]
    private static partial void LogAction(ILogger logger, string action, string target, string caller, string outcome);
}
