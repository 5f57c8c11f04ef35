using BoostedGrains.Boosted;
using BoostedGrains.Errors;
using BoostedGrains.Hierarchy;
using Microsoft.Extensions.Logging;

namespace BoostedGrains.Tokens;

// The user's place in Boosted's hierarchy: its profile, its creation in Boosted (once, shared by every caller that needs
// it) and an operator's re-provisioning.
public sealed partial class UserTokenGrain
{
    /// <inheritdoc />
    public async Task SetProfileAsync(UserProfile profile)
    {
        EnsureValidUserId();
        ArgumentNullException.ThrowIfNull(profile);
        profile.Validate();
        await _state.UpdateAsync(s =>
        {
            if (s.BoostedUserId is not null)
                return false;
            s.Profile = profile;
            return true;
        });
        // Reentrant: the user may have been provisioned before or while the profile was stored.
        if (_state.Current.BoostedUserId is { } boostedUserId)
            await UpdateProvisionedProfileAsync(boostedUserId, profile);
    }

    // A provisioned user's email and name follow the profile (a null field means unchanged); asking again for what
    // Boosted already has sends nothing. Boosted cannot move a user to another workspace: that is refused, not dropped.
    private async Task UpdateProvisionedProfileAsync(string boostedUserId, UserProfile requested)
    {
        var stored = _state.Current;
        if (requested.Workspace is { } workspace && workspace != stored.Workspace)
            throw new InvalidUserProfileException(
                $"The user is already provisioned in workspace '{stored.Workspace}', and Boosted does not move users between workspaces. "
                + "Leave the workspace out, or re-provision the user through the admin API.");
        var known = stored.Profile ?? new UserProfile();
        var email = requested.Email is { } e && e != known.Email ? e : null;
        var name = requested.Name is { } n && n != known.Name ? n : null;
        if (email is null && name is null)
            return;

        await _services.AccountClient.UpdateUserAsync(boostedUserId, email, name);
        await _state.UpdateAsync(s =>
        {
            var current = s.Profile ?? new UserProfile(Workspace: s.Workspace);
            var updated = current with { Email = email ?? current.Email, Name = name ?? current.Name };
            if (updated == s.Profile)
                return false;
            s.Profile = updated;
            return true;
        });
    }

    /// <inheritdoc />
    public async Task<bool> OnboardAsync(UserProfile? profile)
    {
        EnsureValidUserId();
        if (_state.Current.BoostedUserId is not null)
            return false;
        if (profile is not null)
            await SetProfileAsync(profile);
        // Reentrant: a call that interleaved with the profile write may have provisioned the user meanwhile.
        if (_state.Current.BoostedUserId is not null)
            return false;
        await _provisioning.RunAsync(ProvisionAsync);
        return true;
    }

    /// <inheritdoc />
    public async Task<UserTokenStatus> ReprovisionAsync()
    {
        // The operator's repair of refused state: it is replaced as a whole, by the user Boosted knows by this ID.
        var repairing = _refusal is not null;
        _refusal = null;
        EnsureValidUserId();
        await _state.UpdateAsync(s =>
        {
            if (repairing)
                s.Profile = null;
            var hadTokens = s.ClearTokens() || repairing;
            if (s.BoostedUserId is null && !hadTokens)
                return false;
            s.BoostedUserId = s.Workspace = null;
            return true;
        });
        _identityGeneration++;
        // Tokens of the forgotten identity are not handed out again; the next call exchanges for the provisioned one.
        foreach (var slot in Slots())
            slot.Invalidate();
        await _provisioning.RunAsync(ProvisionAsync);
        LogReprovisioned(Logger, this.GetPrimaryKeyString());
        return await GetStatusAsync();
    }

    private Task<string> EnsureProvisionedAsync() =>
        _state.Current.BoostedUserId is { } id ? Task.FromResult(id) : _provisioning.RunAsync(ProvisionAsync);

    private async Task<string> ProvisionAsync()
    {
        var profile = _state.Current.Profile ?? new UserProfile();
        var workspace = await GrainFactory.GetGrain<IAccountGrain>(profile.Workspace ?? Options.DefaultWorkspace.ExternalId).EnsureCreatedAsync();
        BoostedUser user;
        try
        {
            user = await _services.AccountClient.EnsureUserAsync(workspace.WorkspaceId, UserId, profile.Email, profile.Name);
        }
        catch (InvalidUserProfileException)
        {
            // Boosted refused the profile: forget it, so the user's next call (with another profile or none) is served.
            await _state.UpdateAsync(s =>
            {
                if (s.BoostedUserId is not null || s.Profile is null || s.Profile != profile)
                    return false;
                s.Profile = null;
                return true;
            });
            throw;
        }
        // An adopted user may live in another workspace than the profile asked for: store where it really is.
        var workspaceExternalId = user.WorkspaceId == workspace.WorkspaceId
            ? workspace.ExternalId
            : await _services.AccountClient.GetWorkspaceExternalIdAsync(user.WorkspaceId);
        await _state.UpdateAsync(s =>
        {
            if (s.BoostedUserId is not null)
                return false;
            s.BoostedUserId = user.UserId;
            s.Workspace = workspaceExternalId;
            return true;
        });
        // Another activation may have stored the user first; what is stored is the truth.
        return _state.Current.BoostedUserId ?? user.UserId;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "User {UserId} was re-provisioned by an operator")]
    private static partial void LogReprovisioned(ILogger logger, string userId);
}
