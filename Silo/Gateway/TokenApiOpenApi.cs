using System.Text.Json.Nodes;
using BoostedGrains.Tokens;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace BoostedGrains.Silo.Gateway;

/// <summary>
/// The token API's OpenAPI document, served at <see cref="DocumentPath"/> for app servers in any language to generate a
/// client from. Microsoft.AspNetCore.OpenApi builds it from the endpoints' metadata; the transformers here add what
/// metadata cannot say: the Bearer API key scheme, the raw <c>{userId}</c> segment, the JSON bodies the handlers read
/// themselves, and the <c>code</c> values and <c>Retry-After</c> header of each problem response.
/// </summary>
public static class TokenApiOpenApi
{
    public const string DocumentName = "v1";

    /// <summary>Where <c>MapOpenApi</c> serves the document (its default pattern, <c>/openapi/{documentName}.json</c>).</summary>
    public const string DocumentPath = "/openapi/" + DocumentName + ".json";

    /// <summary>The document's name for the <c>Authorization: Bearer &lt;key&gt;</c> scheme.</summary>
    public const string SecuritySchemeName = "ApiKey";

    private const string JsonContentType = "application/json";
    private const string ProblemContentType = "application/problem+json";

    /// <summary>Registers the document: the endpoints that <see cref="DescribeTokenApi"/> marks, and nothing else.</summary>
    public static IServiceCollection AddTokenApiOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(DocumentName, options =>
        {
            // The admin API, JWKS, health and metrics are for operators and Boosted, not for app servers' generated clients.
            options.ShouldInclude = description => description.GroupName == DocumentName;
            options.AddDocumentTransformer((document, _, _) =>
            {
                DescribeDocument(document);
                return Task.CompletedTask;
            });
            options.AddOperationTransformer(DescribeOperationAsync);
            // The web JSON defaults read numbers from strings too, so the framework documents integers as "integer or
            // string". The token API writes plain JSON numbers: a generated client should expect nothing else.
            options.AddSchemaTransformer((schema, _, _) =>
            {
                if (schema is { Type: { } type, Pattern: not null } && type.HasFlag(JsonSchemaType.Integer) && type.HasFlag(JsonSchemaType.String))
                {
                    schema.Type = type & ~JsonSchemaType.String;
                    schema.Pattern = null;
                }
                return Task.CompletedTask;
            });
        });

    /// <summary>Serves the document at <see cref="DocumentPath"/>.</summary>
    public static IEndpointConventionBuilder MapTokenApiOpenApi(this IEndpointRouteBuilder endpoints) => endpoints.MapOpenApi();

    /// <summary>Puts the group's endpoints in the document, with the problem answers every one of them can give.</summary>
    public static RouteGroupBuilder DescribeTokenApi(this RouteGroupBuilder group) => group
        .WithGroupName(DocumentName)
        .WithTags("Tokens")
        .ProducesTokenApiProblem(StatusCodes.Status400BadRequest,
            "The request cannot be served as sent (user ID, body, profile or hash); the detail says what to change.", ["invalid_request"])
        .ProducesTokenApiProblem(StatusCodes.Status401Unauthorized,
            "No 'Authorization: Bearer <key>' naming one of the Gateway__ApiKeys (answered with WWW-Authenticate: Bearer).", ["invalid_api_key"])
        .ProducesTokenApiProblem(StatusCodes.Status403Forbidden,
            "The user is outside this API key's scope: its user-ID prefixes or workspaces (Gateway__Keys__N__*).", ["key_out_of_scope"])
        .ProducesTokenApiProblem(StatusCodes.Status429TooManyRequests,
            "This API key is over its budget (Gateway__RateLimit__*: rate_limited), or this address sent too many wrong keys "
            + "(Gateway__FailedKeyAttempts__*: too_many_failed_keys); retry after Retry-After seconds.", ["rate_limited", "too_many_failed_keys"],
            retryAfter: "Seconds until the key or address has budget again.");

    /// <summary>Documents <c>POST /v1/users/{userId}/token</c>.</summary>
    public static RouteHandlerBuilder DescribeGetToken(this RouteHandlerBuilder endpoint) => endpoint
        .WithName("GetUserToken")
        .WithSummary("A valid Boosted access token for the user, who is created in Boosted on first use.")
        .WithDescription("The optional body gives the profile used when the user is first created. The answer is never cached (Cache-Control: no-store).")
        .WithMetadata(new JsonRequestBody(typeof(TokenRequest), Required: false))
        .Produces<TokenResponse>(StatusCodes.Status200OK)
        .ProducesTokenApiProblem(StatusCodes.Status403Forbidden,
            "The user is outside this API key's scope (key_out_of_scope), or the user is provisioned and the body changes its email or "
            + "name, which this key may not do (profile_update_not_allowed, Gateway__Keys__N__CanUpdateProfile).",
            ["key_out_of_scope", "profile_update_not_allowed"])
        .ProducesTokenApiProblem(StatusCodes.Status429TooManyRequests,
            "This API key is over its budget (rate_limited) or its cap on new users (new_user_rate_limited, Gateway__NewUsersPerMinute), "
            + "or this address sent too many wrong keys (too_many_failed_keys); retry after Retry-After seconds.",
            ["rate_limited", "too_many_failed_keys", "new_user_rate_limited"],
            retryAfter: "Seconds until the key or address has budget again.")
        .ProducesTokenApiProblem(StatusCodes.Status502BadGateway,
            "Boosted refused the exchange: 'code' is Boosted's error code (for example invalid_client, invalid_grant or invalid_scope), "
            + "or boosted_error when it gave none. Retrying does not help: the silo's Boosted settings or keys need fixing.", codes: null)
        .ProducesTokenApiProblem(StatusCodes.Status503ServiceUnavailable,
            "Boosted, the signing key or the cluster is unavailable; retry shortly.",
            ["boosted_unavailable", "signing_key_unavailable", "cluster_unavailable"],
            retryAfter: "Seconds until Boosted is expected back, when Boosted said so (boosted_unavailable only).");

    /// <summary>Documents <c>POST /v1/users/{userId}/token/rejected</c>.</summary>
    public static RouteHandlerBuilder DescribeReportRejectedToken(this RouteHandlerBuilder endpoint) => endpoint
        .WithName("ReportRejectedToken")
        .WithSummary("Reports that Boosted answered 401 to the user's token: the cluster renews it once, however many callers report it.")
        .WithMetadata(new JsonRequestBody(typeof(RejectedTokenRequest), Required: true))
        .Produces(StatusCodes.Status204NoContent)
        .ProducesTokenApiProblem(StatusCodes.Status503ServiceUnavailable, "The cluster is unavailable; retry shortly.", ["cluster_unavailable"]);

    /// <summary>
    /// Documents a problem answer with <paramref name="status"/> whose <c>code</c> is one of <paramref name="codes"/> (any
    /// code when null), and its <c>Retry-After</c> header when <paramref name="retryAfter"/> describes one.
    /// </summary>
    private static TBuilder ProducesTokenApiProblem<TBuilder>(this TBuilder builder, int status, string description, string[]? codes,
        string? retryAfter = null) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ProducesResponseTypeMetadata(status, typeof(Microsoft.AspNetCore.Mvc.ProblemDetails), [ProblemContentType]),
            new ProblemCodes(status, description, codes, retryAfter));

    private static void DescribeDocument(OpenApiDocument document)
    {
        document.Info = new OpenApiInfo
        {
            Title = "BoostedGrains token API",
            Version = DocumentName,
            Description = "Boosted access tokens for a partner's users, from a BoostedGrains cluster. Every call presents "
                + "one of the silo's Gateway__ApiKeys as 'Authorization: Bearer <key>'. Errors are RFC 9457 problem "
                + "details whose 'code' says what happened.",
        };
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[SecuritySchemeName] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "One of the silo's Gateway__ApiKeys values (an opaque key, not a JWT).",
        };
    }

    private static async Task DescribeOperationAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SecuritySchemeName, context.Document)] = [] }];
        // The handlers read {userId} from the raw path (RawUserId), so no bound parameter tells the framework about it.
        operation.Parameters ??= [];
        if (context.Description.RelativePath?.Contains("{userId}") == true && !operation.Parameters.Any(p => p.Name == "userId"))
        {
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = "userId",
                In = ParameterLocation.Path,
                Required = true,
                Description = $"The partner's user ID, percent-encoded as one path segment (Uri.EscapeDataString or its equivalent): "
                    + $"at most {UserIds.MaxLength} characters once decoded, no control characters, no surrounding white space.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            });
        }
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        foreach (var body in metadata.OfType<JsonRequestBody>())
        {
            // A named component, as the framework makes for bodies it binds, so that generated clients name the type.
            context.Document!.AddComponent(body.Type.Name, await context.GetOrCreateSchemaAsync(body.Type, cancellationToken: cancellationToken));
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = body.Required,
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    [JsonContentType] = new() { Schema = new OpenApiSchemaReference(body.Type.Name, context.Document) },
                },
            };
        }
        foreach (var problem in metadata.OfType<ProblemCodes>())
            DescribeProblem(operation, problem);
    }

    private static void DescribeProblem(OpenApiOperation operation, ProblemCodes problem)
    {
        if (operation.Responses is null
            || !operation.Responses.TryGetValue(problem.Status.ToString(System.Globalization.CultureInfo.InvariantCulture), out var described)
            || described is not OpenApiResponse response
            || response.Content is null || !response.Content.TryGetValue(ProblemContentType, out var content))
            return;
        response.Description = problem.Description;
        var code = new OpenApiSchema { Type = JsonSchemaType.String, Description = "What happened, for programs to branch on." };
        var traceId = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The request's W3C trace ID: quote it when reporting a problem." };
        if (problem.Codes is { Length: > 0 } codes)
            code.Enum = [.. codes.Select(c => (JsonNode)JsonValue.Create(c))];
        content.Schema = new OpenApiSchema
        {
            AllOf =
            [
                content.Schema!,
                new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    Required = new HashSet<string> { "code", "title", "status", "detail" },
                    Properties = new Dictionary<string, IOpenApiSchema> { ["code"] = code, ["traceId"] = traceId },
                },
            ],
        };
        if (problem.RetryAfter is { } retryAfter)
        {
            response.Headers ??= new Dictionary<string, IOpenApiHeader>();
            response.Headers["Retry-After"] = new OpenApiHeader { Description = retryAfter, Schema = new OpenApiSchema { Type = JsonSchemaType.Integer } };
        }
    }

    /// <summary>
    /// Endpoint metadata: the JSON body the handler reads itself. Not <c>Accepts&lt;T&gt;()</c>: routing would then answer
    /// another content type with a bare 415 instead of the handler's invalid_request problem.
    /// </summary>
    private sealed record JsonRequestBody(Type Type, bool Required);

    /// <summary>Endpoint metadata: the <c>code</c> values of one problem status (null: any code, described).</summary>
    private sealed record ProblemCodes(int Status, string Description, string[]? Codes, string? RetryAfter);
}
