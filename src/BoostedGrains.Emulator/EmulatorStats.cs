namespace BoostedGrains.Emulator;

/// <summary>A snapshot of the emulator's counters, as served by <c>GET /_emulator/stats</c>.</summary>
/// <param name="Exchanges">Successful token exchanges per assertion <c>sub</c>.</param>
/// <param name="Failures">Failed requests per OAuth <c>error</c> code (token endpoint) or HTTP status (other APIs and faults).</param>
/// <param name="Creates">Entities created (201) per kind.</param>
/// <param name="Conflicts">Responses with status 409.</param>
/// <param name="MaxInFlightTokenRequests">Highest number of token requests being served at the same time.</param>
/// <param name="JwksFetches">Completed fetches of partner JWKS documents.</param>
/// <param name="TokenRequests">Every request received by the token endpoint, faulted ones included.</param>
/// <param name="Updates">Entities changed by a successful PATCH (a user's email or name, say).</param>
public sealed record EmulatorStats(
    IReadOnlyDictionary<string, long> Exchanges,
    IReadOnlyDictionary<string, long> Failures,
    EmulatorCreateCounts Creates,
    long Conflicts,
    long MaxInFlightTokenRequests,
    long JwksFetches,
    long TokenRequests,
    long Updates = 0);
