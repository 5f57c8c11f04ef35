namespace BoostedGrains.Keys;

/// <summary>
/// A private key the partner already registered with Boosted, imported into the ring at silo start
/// (<c>KeyRing__Import__Pem</c> or <c>KeyRing__Import__PemFile</c>, with <c>KeyRing__Import__Kid</c>).
/// </summary>
public sealed class KeyImportOptions
{
    /// <summary>The PEM text (PKCS#8, PKCS#1 RSA or SEC1 EC private key). A secret: never logged.</summary>
    public string? Pem { get; set; }

    /// <summary>A file holding the PEM (for example a mounted secret), instead of <see cref="Pem"/>.</summary>
    public string? PemFile { get; set; }

    /// <summary>The <c>kid</c> under which Boosted knows the key.</summary>
    public string? Kid { get; set; }

    /// <summary><c>KeyRing__Import__Force</c>: sign with the imported key at once, without waiting for the public URL to serve it (audited in the log).</summary>
    public bool Force { get; set; }

    /// <summary>True when a key is to be imported.</summary>
    public bool IsRequested => !string.IsNullOrWhiteSpace(Pem) || !string.IsNullOrWhiteSpace(PemFile);

    /// <summary>The PEM text, from <see cref="Pem"/> or read from <see cref="PemFile"/>.</summary>
    public string ReadPem() => !string.IsNullOrWhiteSpace(Pem) ? Pem : File.ReadAllText(PemFile!);

    /// <inheritdoc />
    public override string ToString() => $"KeyImport {Kid ?? "(none)"}";
}
