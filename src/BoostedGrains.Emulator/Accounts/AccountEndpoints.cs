using BoostedGrains.Emulator.Hosting;
using BoostedGrains.Emulator.Stats;
using BoostedGrains.Emulator.Tokens;
using Microsoft.AspNetCore.Routing;

namespace BoostedGrains.Emulator.Accounts;

/// <summary>The Account Management API of docs/boosted-api.md §4 under <c>/v2/account-management</c>.</summary>
internal sealed class AccountEndpoints(AccountStore store, BearerAuth auth, StatsCounters stats)
{
    public void Map(IEndpointRouteBuilder routes, EmulatorPipeline pipeline)
    {
        const string root = "/v2/account-management";
        foreach (var kind in new[] { EntityKind.Org, EntityKind.Workspace, EntityKind.User })
        {
            var path = $"{root}/{(kind == EntityKind.Org ? "organization" : kind.Name)}";
            routes.MapPut(path, pipeline.Wrap(RequestKind.Accounts, ctx => CreateAsync(ctx, kind)));
            routes.MapGet(path, pipeline.Wrap(RequestKind.Accounts, ctx => GetAsync(ctx, kind)));
            routes.MapPatch(path, pipeline.Wrap(RequestKind.Accounts, ctx => PatchAsync(ctx, kind)));
        }

        routes.MapPut($"{root}/organization-and-workspace", pipeline.Wrap(RequestKind.Accounts, CreateOrgAndWorkspaceAsync));
    }

    private async Task CreateAsync(HttpContext ctx, EntityKind kind)
    {
        if (await auth.RequireAsync(ctx, Scopes.AccountManagement) is not { } token || await ReadBodyAsync(ctx) is not { } body)
        {
            return;
        }

        var input = ReadInput(body, kind, static name => name, parentRequired: true);
        if (body.Errors.Count > 0)
        {
            await Responses.ValidationAsync(ctx, body.Errors);
            return;
        }

        var (status, entity) = store.Create(kind, token.ClientId, input);
        switch (status)
        {
            case WriteStatus.Conflict:
                await Responses.FailureAsync(ctx, StatusCodes.Status409Conflict, $"{kind.Title} with {kind.ExternalField} '{input.ExternalId}' already exists");
                return;
            case WriteStatus.UnknownParent:
                var parent = kind.Parent!;
                await Responses.ValidationAsync(ctx, ValidationError.Body(parent.IdField, $"{parent.Title} not found", "value_error"));
                return;
        }

        CountCreate(kind);
        await Responses.SuccessAsync(ctx, StatusCodes.Status201Created, $"{kind.Title} created", kind.Name, store.Snapshot(entity!));
    }

    private async Task CreateOrgAndWorkspaceAsync(HttpContext ctx)
    {
        if (await auth.RequireAsync(ctx, Scopes.AccountManagement) is not { } token || await ReadBodyAsync(ctx) is not { } body)
        {
            return;
        }

        var org = ReadInput(body, EntityKind.Org, static name => name.StartsWith("external_", StringComparison.Ordinal) || name == "org_type" ? name : "org_" + name, parentRequired: false);
        var workspace = ReadInput(body, EntityKind.Workspace, static name => name.StartsWith("external_", StringComparison.Ordinal) ? name : "workspace_" + name, parentRequired: false);
        if (body.Errors.Count > 0)
        {
            await Responses.ValidationAsync(ctx, body.Errors);
            return;
        }

        var (status, createdOrg, createdWorkspace) = store.CreateOrgAndWorkspace(token.ClientId, org, workspace);
        if (status == WriteStatus.Conflict)
        {
            await Responses.FailureAsync(ctx, StatusCodes.Status409Conflict, "an organization or workspace with this external ID already exists");
            return;
        }

        CountCreate(EntityKind.Org);
        CountCreate(EntityKind.Workspace);
        await Responses.WriteJsonAsync(ctx, StatusCodes.Status201Created, new System.Text.Json.Nodes.JsonObject
        {
            ["message"] = "Organization and workspace created",
            ["success"] = true,
            ["org"] = store.Snapshot(createdOrg!),
            ["workspace"] = store.Snapshot(createdWorkspace!),
        });
    }

    private async Task GetAsync(HttpContext ctx, EntityKind kind)
    {
        if (await auth.RequireAsync(ctx, Scopes.AccountManagement) is { } token && await FindAsync(ctx, kind, token) is { } entity)
        {
            await Responses.SuccessAsync(ctx, StatusCodes.Status200OK, $"{kind.Title} found", kind.Name, store.Snapshot(entity));
        }
    }

    private async Task PatchAsync(HttpContext ctx, EntityKind kind)
    {
        if (await auth.RequireAsync(ctx, Scopes.AccountManagement) is not { } token
            || await FindAsync(ctx, kind, token) is not { } entity
            || await ReadBodyAsync(ctx) is not { } body)
        {
            return;
        }

        var input = ReadInput(body, kind, static name => name, parentRequired: false);
        if (body.Errors.Count > 0)
        {
            await Responses.ValidationAsync(ctx, body.Errors);
            return;
        }

        switch (store.Update(entity, input))
        {
            case WriteStatus.ParentChange:
                await Responses.ValidationAsync(ctx, ValidationError.Body(kind.Parent!.IdField, $"a {kind.Name} cannot move to another {kind.Parent.Name}", "value_error"));
                return;
            case WriteStatus.ExternalIdTaken:
                await Responses.ValidationAsync(ctx, ValidationError.Body(kind.ExternalField, $"already used by another {kind.Name} of this partner", "value_error"));
                return;
        }

        stats.Updated();
        await Responses.SuccessAsync(ctx, StatusCodes.Status200OK, $"{kind.Title} updated", kind.Name, store.Snapshot(entity));
    }

    /// <summary>Resolves the query's Boosted ID or external ID (exactly one) to an entity of this partner, or answers 422/403/404.</summary>
    private async Task<AccountEntity?> FindAsync(HttpContext ctx, EntityKind kind, IssuedToken token)
    {
        var query = ctx.Request.Query;
        var ids = query[kind.IdField];
        var externals = query[kind.ExternalField];
        if (ids.Count + externals.Count != 1 || string.IsNullOrEmpty(ids.Count == 1 ? ids[0] : externals[0]))
        {
            await Responses.ValidationAsync(ctx, ValidationError.Query(kind.IdField, $"exactly one of {kind.IdField} or {kind.ExternalField} is required", "value_error"));
            return null;
        }

        Guid? id = null;
        if (ids.Count == 1)
        {
            if (!Guid.TryParse(ids[0], out var parsed))
            {
                await Responses.ValidationAsync(ctx, ValidationError.Query(kind.IdField, "Input should be a valid UUID", "uuid_parsing"));
                return null;
            }

            id = parsed;
        }

        var (status, entity) = store.Find(kind, token.ClientId, id, id is null ? externals[0] : null);
        switch (status)
        {
            case LookupStatus.NotFound:
                await Responses.FailureAsync(ctx, StatusCodes.Status404NotFound, $"{kind.Title} not found");
                return null;
            case LookupStatus.OtherPartner:
                await Responses.FailureAsync(ctx, StatusCodes.Status403Forbidden, $"{kind.Title} belongs to another partner", bearerChallenge: true);
                return null;
            default:
                return entity;
        }
    }

    private static async Task<JsonBody?> ReadBodyAsync(HttpContext ctx)
    {
        var bytes = await BodyReader.ReadAsync(ctx.Request, ctx.RequestAborted);
        if (bytes is null)
        {
            await Responses.FailureAsync(ctx, StatusCodes.Status400BadRequest, $"request body exceeds {BodyReader.MaxBytes} bytes");
            return null;
        }

        var body = JsonBody.Parse(bytes, out var error);
        if (body is null)
        {
            await Responses.ValidationAsync(ctx, error!);
        }

        return body;
    }

    private static EntityInput ReadInput(JsonBody body, EntityKind kind, Func<string, string> jsonName, bool parentRequired)
    {
        var input = new EntityInput
        {
            ParentId = kind.Parent is { } parent ? body.Uuid(parent.IdField, parentRequired) : null,
            ExternalId = body.String(jsonName(kind.ExternalField)),
            Entitlements = body.Entitlements(jsonName("entitlements")),
        };
        foreach (var field in kind.Fields)
        {
            if (body.String(jsonName(field), EntityKind.IsEmail(field)) is { } value)
            {
                input.Fields[field] = value;
            }
        }

        return input;
    }

    private void CountCreate(EntityKind kind)
    {
        if (kind == EntityKind.Org)
        {
            stats.OrgCreated();
        }
        else if (kind == EntityKind.Workspace)
        {
            stats.WorkspaceCreated();
        }
        else
        {
            stats.UserCreated();
        }
    }
}
