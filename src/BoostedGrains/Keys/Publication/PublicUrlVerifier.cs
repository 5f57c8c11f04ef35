using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BoostedGrains.Keys;

/// <summary>
/// Looks at <c>Jwks__PublicUrl</c> every <c>Jwks__VerifyInterval</c>, as Boosted would, and reports what it served to
/// the key ring, which lets a new key sign only once the URL served it long enough. Logs one start-up line about the
/// URL, and one warning per key that is due but not served. Does nothing when no public URL is set.
/// </summary>
public sealed partial class PublicUrlVerifier : BackgroundService
{
    /// <summary>The name of the HttpClient it reads the public URL with.</summary>
    public const string HttpClientName = "public-jwks";

    private readonly IGrainFactory _grains;
    private readonly SigningKeyCache _cache;
    private readonly JwksOptions _options;
    private readonly TimeSpan _requiredRun;
    private readonly TimeProvider _time;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly ILogger<PublicUrlVerifier> _logger;
    private readonly PublicJwksReader? _reader;
    private readonly HashSet<string> _warned = new(StringComparer.Ordinal);
    private volatile PublicJwksLook? _latest;
    private volatile IReadOnlyList<KeyInfo> _awaiting = [];

    /// <summary>Creates the verifier; it reads through the <see cref="HttpClientName"/> client.</summary>
    public PublicUrlVerifier(IGrainFactory grains, SigningKeyCache cache, IOptions<JwksOptions> options, IOptions<KeyRingOptions> ring, IHttpClientFactory http,
        TimeProvider time, IHostApplicationLifetime lifetime, ILogger<PublicUrlVerifier> logger)
    {
        (_grains, _cache, _options, _time, _lifetime, _logger) = (grains, cache, options.Value, time, lifetime, logger);
        _requiredRun = PublicSightingRule.From(_options, ring.Value).RequiredRun;
        if (_options.PublicUrl is { } url)
            _reader = new PublicJwksReader(http.CreateClient(HttpClientName), url, time);
    }

    /// <summary>The watched URL, or null when none is set.</summary>
    public Uri? PublicUrl => _options.PublicUrl;

    /// <summary>The latest look at the public URL; null before the first.</summary>
    public PublicJwksLook? Latest => _latest;

    /// <summary>Keys that are due to sign but wait for the public URL (status <see cref="KeyStatus.AwaitingPublicUrl"/>).</summary>
    public IReadOnlyList<KeyInfo> AwaitingPublicUrl => _awaiting;

    /// <summary>How many keys this silo's JWKS publishes that the latest look did not find at the public URL; null when nothing was looked at.</summary>
    public int? UnseenKeyCount => _latest is { } look && _cache.Jwks is { } jwks
        ? jwks.KeyIds.Count(kid => look.ServedKids?.Contains(kid) != true)
        : null;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_reader is null || !await HostStarted.WaitAsync(_lifetime, stoppingToken))
            return;
        try
        {
            // The start-up line compares with the ring's keys; on the embedded default the URL is this silo's own JWKS, which answers once they are loaded.
            while (!_cache.IsLoaded)
                await Task.Delay(TimeSpan.FromMilliseconds(100), _time, stoppingToken);
            var first = true;
            while (!stoppingToken.IsCancellationRequested)
            {
                await LookAsync(first, stoppingToken);
                first = false;
                await Task.Delay(_options.VerifyInterval, _time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task LookAsync(bool first, CancellationToken cancellationToken)
    {
        var previous = _latest;
        var look = await _reader!.LookAsync(_cache.Jwks, cancellationToken);
        if (first)
            LogStartupCheck(look, _cache.Jwks?.KeyIds ?? []);
        else if (!look.Reachable && previous?.Reachable != false)
            LogUnreadable(_logger, _options.PublicUrl, look.Problem);
        var mismatched = string.Join(", ", look.MismatchedKids);
        if (mismatched.Length > 0 && (first || mismatched != string.Join(", ", previous?.MismatchedKids ?? [])))
            LogMismatched(_logger, _options.PublicUrl, mismatched);
        _latest = look;
        try
        {
            // An unreadable URL says nothing about any key, so nothing is reported; a key that falls due meanwhile is
            // held back all the same, and must show as such.
            var ring = _grains.GetKeyRing();
            var keys = look.Reachable ? await ring.ReportPublicUrlAsync(look.ServedKids!).WaitAsync(cancellationToken)
                : await ring.ListKeysAsync().WaitAsync(cancellationToken);
            WarnAboutAwaitingKeys(keys);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogReportFailed(_logger, e, _options.VerifyInterval);
        }
    }

    private void WarnAboutAwaitingKeys(IReadOnlyList<KeyInfo> keys)
    {
        var awaiting = keys.Where(k => k.Status == KeyStatus.AwaitingPublicUrl).ToList();
        _awaiting = awaiting;
        var signing = keys.FirstOrDefault(k => k.Status == KeyStatus.Signing)?.Kid ?? "(none)";
        foreach (var key in awaiting.Where(k => _warned.Add(k.Kid)))
        {
            LogHeldBack(_logger, key.Kid, _options.PublicUrl, _requiredRun, signing);
        }
    }

    private void LogStartupCheck(PublicJwksLook look, IReadOnlyList<string> ringKids)
    {
        var url = _options.PublicUrl;
        if (!look.Reachable)
        {
            LogStartupUnreachable(_logger, url, look.Problem);
            return;
        }
        var served = look.ServedKids!;
        var missing = ringKids.Where(kid => !served.Contains(kid)).ToList();
        if (missing.Count == 0)
            LogStartupServes(_logger, url, string.Join(", ", ringKids));
        else if (missing.Count == ringKids.Count)
            LogStartupOtherKeys(_logger, url, look.OtherKids.Count == 0 ? "none" : string.Join(", ", look.OtherKids), string.Join(", ", ringKids));
        else
            LogStartupMissing(_logger, url, string.Join(", ", missing));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Jwks__PublicUrl {PublicUrl} cannot be read ({Problem}): Boosted may not be able to verify assertions; new keys wait until it serves them")]
    private static partial void LogUnreadable(ILogger logger, Uri? publicUrl, string? problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Jwks__PublicUrl {PublicUrl} serves key IDs of this cluster ({Kids}) with other key material (another RFC 7638 thumbprint): "
        + "they do not count as served, and Boosted would not verify this cluster's signatures with them. Check what publishes to that URL")]
    private static partial void LogMismatched(ILogger logger, Uri? publicUrl, string kids);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not report what Jwks__PublicUrl served to the key ring, or read the ring; trying again in {Interval}")]
    private static partial void LogReportFailed(ILogger logger, Exception exception, TimeSpan interval);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Signing key {Kid} is due to sign but {PublicUrl} has not served it continuously for {Required} (Jwks__RequiredSeenFraction of KeyRing__PropagationTime): "
        + "the cluster keeps signing with {Current}. Check that Jwks__PublicUrl reaches this cluster's JWKS and that no cache holds it longer than its max-age. See docs/keys.md")]
    private static partial void LogHeldBack(ILogger logger, string kid, Uri? publicUrl, TimeSpan required, string current);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Public JWKS check: {PublicUrl} is not reachable ({Problem}); Boosted cannot verify assertions unless it reaches this URL. New keys will not sign until it serves them")]
    private static partial void LogStartupUnreachable(ILogger logger, Uri? publicUrl, string? problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "Public JWKS check: {PublicUrl} serves the ring's keys ({Kids})")]
    private static partial void LogStartupServes(ILogger logger, Uri? publicUrl, string kids);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Public JWKS check: {PublicUrl} serves other keys ({Served}), none of the ring's ({Kids}): it likely points at another environment, or a cache holds an old copy")]
    private static partial void LogStartupOtherKeys(ILogger logger, Uri? publicUrl, string served, string kids);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Public JWKS check: {PublicUrl} serves some of the ring's keys but not {Missing}: a cache may still hold an older copy")]
    private static partial void LogStartupMissing(ILogger logger, Uri? publicUrl, string missing);
}
