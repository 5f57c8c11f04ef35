using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BoostedGrains.Tests.Faults;

/// <summary>What the proxy does to one token request.</summary>
public enum WireFault
{
    /// <summary>Forward it and pass the answer on.</summary>
    None,

    /// <summary>Reset the connection before Boosted sees the request (safe to retry: nothing happened).</summary>
    ResetBeforeForwarding,

    /// <summary>Forward it (Boosted accepts the assertion) and then cut the answer short: the response is lost.</summary>
    TruncateAnswer,
}

/// <summary>One token request as the proxy saw it, with its subject read from the assertion (never verified).</summary>
public sealed record ProxiedTokenRequest(string? Subject, string? Jti, TimeSpan ReceivedAt, TimeSpan AnsweredAt, int Status, int? RetryAfterSeconds, WireFault Fault)
{
    /// <summary>The assertion's <c>exp - iat</c> in seconds, its <c>kid</c> and its <c>iss</c>.</summary>
    public AssertionFacts? Assertion { get; init; }
}

/// <summary>What an assertion claims, read without verifying it.</summary>
public sealed record AssertionFacts(string? Kid, string? Alg, long? Iat, long? Exp, string? Iss, string? Aud);

/// <summary>
/// Sits between the cluster and the emulator on loopback: forwards every request, records each token request (who,
/// when, what came back) and injects wire-level faults the emulator cannot make (resets, truncated answers).
/// </summary>
public sealed class BoostedProxy : IAsyncDisposable
{
    private static readonly HashSet<string> HopHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Transfer-Encoding", "Content-Length", "Host", "Upgrade", "Proxy-Connection",
    };

    private readonly WebApplication _app;
    private readonly HttpClient _upstream;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ConcurrentQueue<ProxiedTokenRequest> _tokenRequests = new();

    private BoostedProxy(Uri upstream)
    {
        _upstream = new HttpClient(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false })
        {
            BaseAddress = upstream,
            Timeout = Timeout.InfiniteTimeSpan,
        };
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.Run(ForwardAsync);
    }

    /// <summary>The proxy's base URL (with a trailing slash): give it to the cluster as <c>Boosted:BaseUrl</c>.</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>Decides the fault of each token request; by default none.</summary>
    public Func<ProxiedTokenRequest, WireFault> TokenFault { get; set; } = _ => WireFault.None;

    /// <summary>Every token request answered so far (or cut), in the order they were answered.</summary>
    public IReadOnlyList<ProxiedTokenRequest> TokenRequests => _tokenRequests.ToArray();

    /// <summary>Awaited after Boosted answered a token request and before the answer is passed on: a slow network back.</summary>
    public Func<Task>? HoldTokenAnswer { get; set; }

    /// <summary>
    /// Answers a request itself, in Boosted's place, when it returns true for the request and its body (for example a 422
    /// Boosted would give); by default every request is forwarded.
    /// </summary>
    public Func<HttpContext, byte[], Task<bool>>? Answer { get; set; }

    /// <summary>Token requests received and not yet answered by Boosted (on their way to it, or being checked).</summary>
    public int TokenRequestsInTransit => Volatile.Read(ref _inTransit);

    private int _inTransit;

    /// <summary>The proxy's monotonic clock, the one <see cref="ProxiedTokenRequest"/> times are read from.</summary>
    public TimeSpan Now => _clock.Elapsed;

    public static async Task<BoostedProxy> StartAsync(Uri upstream)
    {
        var proxy = new BoostedProxy(upstream);
        await proxy._app.StartAsync();
        var address = proxy._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        proxy.Url = new Uri(address.TrimEnd('/') + "/");
        return proxy;
    }

    private async Task ForwardAsync(HttpContext context)
    {
        var receivedAt = _clock.Elapsed;
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        var bytes = body.ToArray();
        if (Answer is { } answerItself && await answerItself(context, bytes))
            return;
        var isToken = context.Request.Path.Value?.EndsWith("/oauth2/token", StringComparison.Ordinal) == true;
        var (subject, jti, facts) = isToken ? ReadAssertion(bytes) : (null, null, null);
        var fault = isToken ? TokenFault(new ProxiedTokenRequest(subject, jti, receivedAt, receivedAt, 0, null, WireFault.None)) : WireFault.None;

        if (fault == WireFault.ResetBeforeForwarding)
        {
            _tokenRequests.Enqueue(new ProxiedTokenRequest(subject, jti, receivedAt, _clock.Elapsed, 0, null, fault) { Assertion = facts });
            Reset(context);
            return;
        }

        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method),
            context.Request.Path.Value!.TrimStart('/') + context.Request.QueryString.Value);
        request.Content = new ByteArrayContent(bytes);
        foreach (var (name, values) in context.Request.Headers)
        {
            if (HopHeaders.Contains(name))
                continue;
            if (!request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
                request.Content.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
        }

        if (isToken)
            Interlocked.Increment(ref _inTransit);
        HttpResponseMessage response;
        byte[] answer;
        try
        {
            response = await _upstream.SendAsync(request, context.RequestAborted);
            answer = await response.Content.ReadAsByteArrayAsync();
        }
        finally
        {
            if (isToken)
                Interlocked.Decrement(ref _inTransit);
        }
        using var _ = response;
        if (isToken && HoldTokenAnswer is { } hold)
            await hold();
        var retryAfter = response.Headers.RetryAfter?.Delta is { } delta ? (int?)delta.TotalSeconds : null;

        if (fault == WireFault.TruncateAnswer)
        {
            // Promise the whole body, send a few bytes, then drop the connection: the client sees the body end early.
            context.Response.StatusCode = (int)response.StatusCode;
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = answer.Length;
            await context.Response.Body.WriteAsync(answer.AsMemory(0, Math.Min(8, answer.Length)));
            await context.Response.Body.FlushAsync();
            _tokenRequests.Enqueue(new ProxiedTokenRequest(subject, jti, receivedAt, _clock.Elapsed, (int)response.StatusCode, retryAfter, fault) { Assertion = facts });
            Reset(context);
            return;
        }

        if (isToken && response.IsSuccessStatusCode)
            RegisterIssuedToken(answer);
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (!HopHeaders.Contains(name))
                context.Response.Headers[name] = values.ToArray();
        }
        await context.Response.Body.WriteAsync(answer);
        await context.Response.CompleteAsync();
        if (isToken)
            _tokenRequests.Enqueue(new ProxiedTokenRequest(subject, jti, receivedAt, _clock.Elapsed, (int)response.StatusCode, retryAfter, fault) { Assertion = facts });
    }

    // Every access token Boosted issued through the proxy is a secret the suite-wide log scan looks for.
    private static void RegisterIssuedToken(byte[] answer)
    {
        try
        {
            using var json = JsonDocument.Parse(answer);
            if (json.RootElement.TryGetProperty("access_token", out var token) && token.GetString() is { } value)
                Infrastructure.LogCapture.Suite.AddSecret(value);
        }
        catch (JsonException)
        {
        }
    }

    private static void Reset(HttpContext context)
    {
        // A TCP RST where Kestrel supports it, else an abort (FIN): both end the exchange without an HTTP answer.
        if (context.Features.Get<IConnectionSocketFeature>()?.Socket is { } socket)
            socket.LingerState = new System.Net.Sockets.LingerOption(true, 0);
        context.Abort();
    }

    /// <summary>The <c>sub</c> and <c>jti</c> of the form's <c>subject_token</c>, and its other facts, decoded without verification.</summary>
    public static (string? Subject, string? Jti, AssertionFacts? Facts) ReadAssertion(byte[] form)
    {
        var fields = QueryHelpers(Encoding.UTF8.GetString(form));
        if (!fields.TryGetValue("subject_token", out var jwt) || jwt.Split('.') is not { Length: 3 } parts)
            return (null, null, null);
        try
        {
            using var header = JsonDocument.Parse(Base64Url(parts[0]));
            using var claims = JsonDocument.Parse(Base64Url(parts[1]));
            var h = header.RootElement;
            var c = claims.RootElement;
            var facts = new AssertionFacts(Text(h, "kid"), Text(h, "alg"), Number(c, "iat"), Number(c, "exp"), Text(c, "iss"), Text(c, "aud"));
            return (Text(c, "sub"), Text(c, "jti"), facts);
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return (null, null, null);
        }
    }

    private static byte[] Base64Url(string part)
    {
        var text = part.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(text.PadRight(text.Length + ((4 - text.Length % 4) % 4), '='));
    }

    private static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static long? Number(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : null;

    private static Dictionary<string, string> QueryHelpers(string form) =>
        form.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .Where(pair => pair.Length == 2)
            .GroupBy(pair => Uri.UnescapeDataString(pair[0].Replace('+', ' ')))
            .ToDictionary(group => group.Key, group => Uri.UnescapeDataString(group.First()[1].Replace('+', ' ')));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _upstream.Dispose();
    }
}
