using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace BoostedGrains.Emulator.Hosting;

/// <summary>Looks partners up by client ID and resolves each one's expected audience.</summary>
internal sealed class PartnerRegistry(EmulatorOptions options, IServiceProvider services)
{
    private readonly Dictionary<string, EmulatorPartner> _partners =
        options.Partners.ToDictionary(p => p.ClientId, StringComparer.Ordinal);

    private string? _defaultAudience;

    public IReadOnlyCollection<EmulatorPartner> All => _partners.Values;

    public EmulatorPartner? Find(string clientId) => _partners.GetValueOrDefault(clientId);

    /// <summary>Finds the partner and checks its secret in constant time, so response timing does not reveal the secret.</summary>
    public EmulatorPartner? Authenticate(string clientId, string clientSecret)
    {
        var partner = Find(clientId);
        var expected = Encoding.UTF8.GetBytes(partner?.ClientSecret ?? "");
        var given = Encoding.UTF8.GetBytes(clientSecret);
        return partner is not null && CryptographicOperations.FixedTimeEquals(expected, given) ? partner : null;
    }

    public string AudienceOf(EmulatorPartner partner) => partner.Audience ?? DefaultAudience();

    /// <summary>The token endpoint URL on the first address the server listens on; known only once the server has started.</summary>
    public string DefaultAudience()
    {
        if (_defaultAudience is not null)
        {
            return _defaultAudience;
        }

        var address = services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        if (address is null)
        {
            // Not listening yet: answer without caching, so the real address is used once it is known.
            return "http://localhost/oauth2/token";
        }

        _defaultAudience = ListenAddress.Normalize(address) + "oauth2/token";
        return _defaultAudience;
    }
}
