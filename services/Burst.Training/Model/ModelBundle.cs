using System.Text.Json;
using Burst.Training.Storage;

namespace Burst.Training;

/// <summary>A model folder: <c>model.json</c> (XGBoost's own JSON format) and <c>burst-model.json</c> (<see cref="BundleManifest"/>).</summary>
public static class ModelBundle
{
    public const string ModelFileName = "model.json";

    /// <summary>Writes the model, then the manifest (so a manifest never points at a missing model); returns the model.json URI.</summary>
    public static async Task<string> SaveAsync(IObjectStore store, string folderUri, TrainedModel model, BundleManifest manifest, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(manifest);
        var modelUri = ObjectStoreRegistry.Combine(folderUri, ModelFileName);
        using (var content = new MemoryStream(model.ToJson(), writable: false))
        {
            await store.WriteAsync(modelUri, content, "application/json", ct).ConfigureAwait(false);
        }

        using (var content = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(manifest, BundleManifest.JsonOptions), writable: false))
        {
            await store.WriteAsync(ObjectStoreRegistry.Combine(folderUri, BundleManifest.FileName), content, "application/json", ct).ConfigureAwait(false);
        }

        return modelUri;
    }

    public static async Task<LoadedBundle> LoadAsync(IObjectStore store, string folderUri, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        var manifestUri = ObjectStoreRegistry.Combine(folderUri, BundleManifest.FileName);
        var modelUri = ObjectStoreRegistry.Combine(folderUri, ModelFileName);
        BundleManifest manifest;
        await using (var stream = await store.OpenReadAsync(manifestUri, ct).ConfigureAwait(false))
        {
            try
            {
                manifest = await JsonSerializer.DeserializeAsync<BundleManifest>(stream, BundleManifest.JsonOptions, ct).ConfigureAwait(false)
                    ?? throw new InvalidDataException($"{manifestUri} is empty.");
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{manifestUri} is not a valid model manifest: {e.Message}", e);
            }
        }

        using var buffer = new MemoryStream();
        await using (var stream = await store.OpenReadAsync(modelUri, ct).ConfigureAwait(false))
        {
            await stream.CopyToAsync(buffer, ct).ConfigureAwait(false);
        }

        var model = TrainedModel.FromJson(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        return new LoadedBundle(model, manifest, modelUri);
    }
}

/// <summary>A loaded model folder. Disposing it frees the model.</summary>
public sealed class LoadedBundle(TrainedModel model, BundleManifest manifest, string modelUri) : IDisposable
{
    public TrainedModel Model { get; } = model;

    public BundleManifest Manifest { get; } = manifest;

    public string ModelUri { get; } = modelUri;

    public void Dispose() => Model.Dispose();
}
