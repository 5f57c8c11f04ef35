using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;

namespace BoostedGrains.Client;

/// <summary>Reads the URIs among a certificate's subject alternative names, where the cluster's CA writes a silo's role.</summary>
internal static class ClusterTlsRoles
{
    private static readonly Asn1Tag UniformResourceIdentifier = new(TagClass.ContextSpecific, 6);

    /// <summary>The <c>URI:</c> subject alternative names of <paramref name="certificate"/>; none when it has none or they do not parse.</summary>
    public static IReadOnlyList<string> Uris(X509Certificate2 certificate)
    {
        var uris = new List<string>();
        foreach (var extension in certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>())
        {
            try
            {
                var names = new AsnReader(extension.RawData, AsnEncodingRules.DER).ReadSequence();
                while (names.HasData)
                {
                    if (names.PeekTag().HasSameClassAndValue(UniformResourceIdentifier))
                        uris.Add(names.ReadCharacterString(UniversalTagNumber.IA5String, UniformResourceIdentifier));
                    else
                        names.ReadEncodedValue();
                }
            }
            catch (AsnContentException)
            {
                return [];
            }
        }
        return uris;
    }
}
