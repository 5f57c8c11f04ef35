using System.Buffers.Text;
using System.Text.Json;
using BoostedGrains.Keys;
using Microsoft.IdentityModel.Tokens;
using static BoostedGrains.Tests.Keys.KeyTestKit;

namespace BoostedGrains.Tests.Keys;

public sealed class JwksDocumentTests
{
    private static readonly string[] PrivateMembers = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

    [Theory]
    [InlineData(KeyAlgorithm.RS256, "RSA", new[] { "kty", "use", "alg", "kid", "n", "e" })]
    [InlineData(KeyAlgorithm.ES256, "EC", new[] { "kty", "use", "alg", "kid", "crv", "x", "y" })]
    public void Publishes_only_public_members(KeyAlgorithm algorithm, string kty, string[] members)
    {
        var key = NewKey(Protector(), algorithm);
        var jwks = JwksDocument.Create([key.PublicKey]);

        using var json = JsonDocument.Parse(jwks.Json);
        var jwk = Assert.Single(json.RootElement.GetProperty("keys").EnumerateArray());
        var names = jwk.EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(members, names);
        foreach (var name in PrivateMembers)
        {
            Assert.False(jwk.TryGetProperty(name, out _), $"JWKS carries private member {name}");
        }
        Assert.Equal(kty, jwk.GetProperty("kty").GetString());
        Assert.Equal("sig", jwk.GetProperty("use").GetString());
        Assert.Equal(algorithm.ToString(), jwk.GetProperty("alg").GetString());
    }

    [Theory]
    [InlineData(KeyAlgorithm.RS256)]
    [InlineData(KeyAlgorithm.ES256)]
    public void Kid_is_the_rfc7638_thumbprint(KeyAlgorithm algorithm)
    {
        var key = NewKey(Protector(), algorithm);
        var parsed = new JsonWebKeySet(System.Text.Encoding.UTF8.GetString(JwksDocument.Create([key.PublicKey]).Json.Span)).Keys.Single();

        Assert.Equal(Base64Url.EncodeToString(parsed.ComputeJwkThumbprint()), key.Kid);
        Assert.False(parsed.HasPrivateKey);
    }

    [Fact]
    public void Etag_depends_on_the_keys_only()
    {
        var protector = Protector();
        var (a, b) = (NewKey(protector).PublicKey, NewKey(protector).PublicKey);

        Assert.Equal(JwksDocument.Create([a, b]).ETag, JwksDocument.Create([a, b]).ETag);
        Assert.NotEqual(JwksDocument.Create([a]).ETag, JwksDocument.Create([a, b]).ETag);
        Assert.StartsWith("\"", JwksDocument.Create([a]).ETag);
    }
}
