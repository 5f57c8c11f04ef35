using System.Text;
using BoostedGrains.Diagnostics;
using BoostedGrains.Silo.Gateway;
using BoostedGrains.Silo.Http;
using BoostedGrains.Silo.Security;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace BoostedGrains.Silo.Admin;

/// <summary>
/// Lets a request through only with an admin key: <c>Authorization: Bearer &lt;key&gt;</c>; on the dashboard's reads
/// (GET and HEAD) also HTTP Basic with the key as password, so that a browser can open it. The admin API never takes
/// Basic: a browser replays cached Basic credentials on any request to the origin, so a page in another tab could
/// otherwise post to <c>/admin</c> as the operator. Gateway keys are not admin keys. A wrong key is audited as
/// <c>login_failed</c>; a request with no key at all is not (a browser asks without one first).
/// </summary>
public sealed class AdminKeyFilter : IEndpointFilter
{
    private const string CallerItem = "BoostedGrains.AdminCaller";

    private readonly ApiKeySet _keys;
    private readonly AdminAudit _audit;
    private readonly FailedKeyAttempts _failures;
    private readonly bool _basicForReads;

    private AdminKeyFilter(AdminOptions options, AdminAudit audit, FailedKeyAttempts failures, bool basicForReads)
    {
        _keys = new ApiKeySet(options.ApiKeys);
        _audit = audit;
        _failures = failures;
        _basicForReads = basicForReads;
    }

    /// <summary>The admin API's filter: Bearer only.</summary>
    public static AdminKeyFilter ForApi(IServiceProvider services) => Create(services, basicForReads: false);

    /// <summary>The dashboard's filter: Bearer, or Basic on GET and HEAD.</summary>
    public static AdminKeyFilter ForDashboard(IServiceProvider services) => Create(services, basicForReads: true);

    private static AdminKeyFilter Create(IServiceProvider services, bool basicForReads) =>
        new(services.GetRequiredService<IOptions<AdminOptions>>().Value, services.GetRequiredService<AdminAudit>(),
            services.GetRequiredService<FailedKeyAttempts>(), basicForReads);

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (_failures.Blocked(http) is { } blocked)
            return ValueTask.FromResult<object?>(blocked);
        var request = http.Request;
        var basic = _basicForReads && (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method));
        var presented = AuthorizationHeader.Bearer(request) ?? (basic ? BasicPassword(request) : null);
        if (presented is null)
        {
            return ValueTask.FromResult<object?>(basic
                ? Unauthorized(http, basic, "Send an admin key as 'Authorization: Bearer <key>' (or as the Basic password).")
                : Unauthorized(http, basic, IsBasic(request)
                    ? "The admin API takes the admin key only as 'Authorization: Bearer <key>', never as HTTP Basic."
                    : "Send an admin key as 'Authorization: Bearer <key>'."));
        }
        if (_keys.NameOf(presented) is not { } caller)
        {
            _audit.Record("login_failed", http.Request.Path, caller: "unknown key", "refused");
            return ValueTask.FromResult<object?>(_failures.Failed(http, Unauthorized(http, basic, "The key is not one of Admin__ApiKeys.")));
        }
        http.Items[CallerItem] = caller;
        return next(context);
    }

    /// <summary>The configured name of the admin key that this request passed the filter with.</summary>
    public static string Caller(HttpContext http) => http.Items[CallerItem] as string ?? "unknown key";

    private static bool IsBasic(HttpRequest request) =>
        request.Headers.Authorization.ToString().StartsWith("Basic ", StringComparison.OrdinalIgnoreCase);

    private static string? BasicPassword(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (!IsBasic(request))
            return null;
        try
        {
            var pair = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
            var colon = pair.IndexOf(':');
            return colon < 0 ? null : pair[(colon + 1)..];
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static IResult Unauthorized(HttpContext http, bool basic, string detail)
    {
        // One header per scheme: Chromium reads only the first scheme of a combined header, and would never prompt for
        // Basic. Where Basic is not taken it is not offered, so that a browser never prompts for (and caches) it there.
        http.Response.Headers.WWWAuthenticate = basic ? new StringValues(["Basic realm=\"BoostedGrains admin\"", "Bearer"]) : "Bearer";
        return ProblemResponses.Problem(StatusCodes.Status401Unauthorized, "Missing or invalid admin key", detail, "invalid_admin_key");
    }
}
