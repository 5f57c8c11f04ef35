namespace BoostedGrains.Emulator.Accounts;

/// <summary>All organizations, workspaces and users, scoped per partner. One lock keeps the uniqueness of
/// <c>external_*_id</c> and the parent links consistent; operations are tiny, so contention stays negligible.</summary>
internal sealed class AccountStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<EntityKind, Dictionary<Guid, AccountEntity>> _byId = new()
    {
        [EntityKind.Org] = [],
        [EntityKind.Workspace] = [],
        [EntityKind.User] = [],
    };

    private readonly Dictionary<EntityKind, Dictionary<(string ClientId, string ExternalId), AccountEntity>> _byExternal = new()
    {
        [EntityKind.Org] = [],
        [EntityKind.Workspace] = [],
        [EntityKind.User] = [],
    };

    public (WriteStatus Status, AccountEntity? Entity) Create(EntityKind kind, string clientId, EntityInput input)
    {
        lock (_lock)
        {
            if (kind.Parent is { } parent && !OwnsParent(parent, clientId, input.ParentId))
            {
                return (WriteStatus.UnknownParent, null);
            }

            if (input.ExternalId is { } ext && _byExternal[kind].ContainsKey((clientId, ext)))
            {
                return (WriteStatus.Conflict, null);
            }

            return (WriteStatus.Done, Add(kind, clientId, input));
        }
    }

    /// <summary>Creates an organization and its first workspace together, or neither when either external ID is taken.</summary>
    public (WriteStatus Status, AccountEntity? Org, AccountEntity? Workspace) CreateOrgAndWorkspace(string clientId, EntityInput org, EntityInput workspace)
    {
        lock (_lock)
        {
            if ((org.ExternalId is { } orgExt && _byExternal[EntityKind.Org].ContainsKey((clientId, orgExt)))
                || (workspace.ExternalId is { } wsExt && _byExternal[EntityKind.Workspace].ContainsKey((clientId, wsExt))))
            {
                return (WriteStatus.Conflict, null, null);
            }

            var createdOrg = Add(EntityKind.Org, clientId, org);
            workspace.ParentId = createdOrg.Id;
            return (WriteStatus.Done, createdOrg, Add(EntityKind.Workspace, clientId, workspace));
        }
    }

    /// <summary>Finds by Boosted ID (another partner's entity is reported as such) or by this partner's external ID.</summary>
    public (LookupStatus Status, AccountEntity? Entity) Find(EntityKind kind, string clientId, Guid? id, string? externalId)
    {
        lock (_lock)
        {
            AccountEntity? entity = null;
            if (id is { } boostedId)
            {
                _byId[kind].TryGetValue(boostedId, out entity);
            }
            else if (externalId is not null)
            {
                _byExternal[kind].TryGetValue((clientId, externalId), out entity);
            }

            if (entity is null)
            {
                return (LookupStatus.NotFound, null);
            }

            return entity.ClientId == clientId ? (LookupStatus.Found, entity) : (LookupStatus.OtherPartner, null);
        }
    }

    /// <summary>Applies a PATCH: absent fields stay, the parent cannot change, and an external ID must stay unique.</summary>
    public WriteStatus Update(AccountEntity entity, EntityInput input)
    {
        lock (_lock)
        {
            if (input.ParentId is { } parentId && parentId != entity.ParentId)
            {
                return WriteStatus.ParentChange;
            }

            var index = _byExternal[entity.Kind];
            if (input.ExternalId is { } ext && ext != entity.ExternalId)
            {
                if (index.ContainsKey((entity.ClientId, ext)))
                {
                    return WriteStatus.ExternalIdTaken;
                }

                if (entity.ExternalId is { } old)
                {
                    index.Remove((entity.ClientId, old));
                }

                entity.ExternalId = ext;
                index[(entity.ClientId, ext)] = entity;
            }

            foreach (var (field, value) in input.Fields)
            {
                entity.Fields[field] = value;
            }

            if (input.Entitlements is { } entitlements)
            {
                entity.Entitlements = [.. entitlements];
            }

            return WriteStatus.Done;
        }
    }

    public System.Text.Json.Nodes.JsonObject Snapshot(AccountEntity entity)
    {
        lock (_lock)
        {
            return entity.ToJson();
        }
    }

    /// <summary>The user a token-exchange <c>sub</c> names, among this partner's users only.</summary>
    public AccountEntity? FindUserForSubject(string clientId, string subject, EmulatorSubjectClaim claim)
    {
        if (claim == EmulatorSubjectClaim.ExternalUserId)
        {
            return Find(EntityKind.User, clientId, null, subject) is (LookupStatus.Found, { } byExternal) ? byExternal : null;
        }

        // The sub must be the user_id exactly as Boosted returned it, not merely something that parses to the same UUID.
        return Guid.TryParseExact(subject, "D", out var id) && id.ToString() == subject && Find(EntityKind.User, clientId, id, null) is (LookupStatus.Found, { } user)
            ? user
            : null;
    }

    private bool OwnsParent(EntityKind parent, string clientId, Guid? parentId) =>
        parentId is { } id && _byId[parent].TryGetValue(id, out var entity) && entity.ClientId == clientId;

    private AccountEntity Add(EntityKind kind, string clientId, EntityInput input)
    {
        var entity = new AccountEntity(kind, Guid.NewGuid(), clientId, kind.Parent is null ? null : input.ParentId)
        {
            ExternalId = input.ExternalId,
            Entitlements = input.Entitlements ?? [],
        };
        foreach (var field in kind.Fields)
        {
            entity.Fields[field] = input.Fields.GetValueOrDefault(field);
        }

        _byId[kind][entity.Id] = entity;
        if (input.ExternalId is { } ext)
        {
            _byExternal[kind][(clientId, ext)] = entity;
        }

        return entity;
    }
}
