using Azure.Storage.Blobs;

namespace BoostedGrains.Keys;

/// <summary>Static publication of the JWKS to Azure Blob storage (configuration section <c>Jwks:Publish</c>).</summary>
public sealed class JwksPublishOptions
{
    public const string SectionName = "Jwks:Publish";

    /// <summary><c>Jwks__Publish__BlobConnectionString</c>: the storage account to write the JWKS to. A secret: never logged.</summary>
    public string? BlobConnectionString { get; set; }

    /// <summary><c>Jwks__Publish__Container</c>: the container, created with public read access to blobs when missing.</summary>
    public string? Container { get; set; }

    /// <summary><c>Jwks__Publish__BlobName</c>: the blob (default <c>jwks.json</c>).</summary>
    public string BlobName { get; set; } = "jwks.json";

    /// <summary>True when both the connection string and the container are set.</summary>
    public bool IsConfigured => !string.IsNullOrWhiteSpace(BlobConnectionString) && !string.IsNullOrWhiteSpace(Container);

    /// <summary>The blob the JWKS is written to.</summary>
    public BlobClient CreateBlobClient() => new BlobContainerClient(BlobConnectionString, Container).GetBlobClient(BlobName);

    /// <inheritdoc />
    public override string ToString() => $"JwksPublish {Container}/{BlobName}";
}
