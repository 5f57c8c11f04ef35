using BoostedGrains.Diagnostics;
using BoostedGrains.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BoostedGrains.Tests.Security;

/// <summary>An audit line prints what it was given escaped: a target cannot add a line, reorder one, or pass for another.</summary>
public sealed class AdminAuditEscapingTests
{
    [Theory]
    [InlineData("bob\nInformation BoostedGrains.Audit: Admin action rotate on ring by ops: done", @"bob\u000AInformation BoostedGrains.Audit: Admin action rotate on ring by ops: done")]
    [InlineData("bob\r\u2028x", @"bob\u000D\u2028x")]
    [InlineData("evil\u202Efdp.exe", @"evil\u202Efdp.exe")]
    [InlineData("a\u2066b\u2069\u200E\u200F\u061C", @"a\u2066b\u2069\u200E\u200F\u061C")]
    [InlineData(@"already\u000A", @"already\u005Cu000A")]
    [InlineData("plain-bob", "plain-bob")]
    public void The_target_and_the_caller_are_printed_escaped_on_one_line(string target, string printed)
    {
        var log = new LogCapture();
        using var services = new ServiceCollection().AddMetrics().AddLogging(logging => logging.AddProvider(log)).BuildServiceProvider();
        var audit = ActivatorUtilities.CreateInstance<AdminAudit>(services);

        audit.Record("revoke", target, "ops\u2029alice", "done");

        var line = Assert.Single(log.Lines);
        Assert.StartsWith($@"Information BoostedGrains.Audit: Admin action revoke on {printed} by ops\u2029alice: done | ", line);
        Assert.DoesNotContain(line, c => char.IsControl(c) || c is '\u2028' or '\u2029' || c is >= '\u202A' and <= '\u202E' || c is >= '\u2066' and <= '\u2069' || c is '\u200E' or '\u200F' or '\u061C');
    }
}
