using Azure;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BoostedGrains.Keys;

/// <summary>
/// Writes this silo's JWKS to Azure Blob storage whenever it changes (<c>Jwks__Publish__*</c>): a static, highly
/// available <c>jwks_uri</c> that does not depend on the cluster. Public members only (the same bytes the silos serve),
/// <c>Content-Type: application/json</c> and the silos' <c>Cache-Control</c>, which is below the propagation time.
/// Every silo writes the same bytes, so which one writes last does not matter.
/// </summary>
internal sealed partial class JwksBlobPublisher(
    SigningKeyCache cache,
    IOptions<JwksPublishOptions> publish,
    IOptions<KeyRingOptions> ring,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<JwksBlobPublisher> logger) : BackgroundService
{
    // The cache is local: looking at it each second costs nothing, and a change reaches the blob within a second.
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!publish.Value.IsConfigured || !await HostStarted.WaitAsync(lifetime, stoppingToken))
            return;
        var blob = publish.Value.CreateBlobClient();
        string? written = null;
        var containerReady = false;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                if (cache.Jwks is { } jwks && jwks.ETag != written)
                {
                    try
                    {
                        if (!containerReady)
                        {
                            await blob.GetParentBlobContainerClient().CreateIfNotExistsAsync(PublicAccessType.Blob, cancellationToken: stoppingToken);
                            containerReady = true;
                        }
                        await blob.UploadAsync(new BinaryData(jwks.Json), new BlobUploadOptions
                        {
                            HttpHeaders = new BlobHttpHeaders
                            {
                                ContentType = "application/json",
                                CacheControl = $"public, max-age={(long)ring.Value.JwksMaxAge.TotalSeconds}",
                            },
                        }, stoppingToken);
                        written = jwks.ETag;
                        LogPublished(logger, string.Join(", ", jwks.KeyIds), blob.Uri);
                    }
                    catch (RequestFailedException e)
                    {
                        // The message holds the storage error, never the account key.
                        LogPublishFailed(logger, blob.Uri, e.Status, e.ErrorCode);
                    }
                }
                await Task.Delay(Poll, time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Published the JWKS ({Kids}) to blob {Blob}")]
    private static partial void LogPublished(ILogger logger, string kids, Uri blob);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not publish the JWKS to blob {Blob} (HTTP {Status}, {Code}); trying again")]
    private static partial void LogPublishFailed(ILogger logger, Uri blob, int status, string? code);
}
