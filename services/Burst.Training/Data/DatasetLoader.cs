using System.IO.Compression;
using System.Text;
using Burst.Training.Storage;

namespace Burst.Training;

/// <summary>Reads datasets through an <see cref="IObjectStore"/>; gzip files (by content, whatever their name) are decompressed on the fly.</summary>
public static class DatasetLoader
{
    /// <summary>
    /// The census data shipped with the executable (<c>data/census</c> beside it), or, when running
    /// from a source tree, the nearest <c>data/census</c> above it.
    /// </summary>
    public static string BundledCensusDirectory
    {
        get
        {
            var beside = Path.Combine(AppContext.BaseDirectory, "data", "census");
            for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            {
                var candidate = Path.Combine(folder.FullName, "data", "census");
                if (File.Exists(Path.Combine(candidate, "adult.data")))
                {
                    return candidate;
                }
            }

            return beside;
        }
    }

    /// <summary>Loads the training file, fits the encoding on it, and encodes the test file (if any) the same way.</summary>
    public static async Task<LoadedDataset> LoadAsync(DatasetSpec spec, IObjectStore store, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(store);
        var (train, encoding, trainSha) = await ReadAsync(store, spec.TrainUri, ct, text => TableParser.Fit(text, spec.TrainUri, spec, ct)).ConfigureAwait(false);
        TabularData? test = null;
        string? testSha = null;
        if (spec.TestUri is { } testUri)
        {
            (test, testSha) = await LoadAsync(testUri, encoding, store, ct).ConfigureAwait(false);
        }

        return new LoadedDataset(train, test, encoding, trainSha, testSha);
    }

    /// <summary>Encodes one more file with an encoding fitted earlier (a model's), returning it and its sha256.</summary>
    public static async Task<(TabularData Data, string Sha256)> LoadAsync(string uri, FeatureEncoding encoding, IObjectStore store, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(encoding);
        ArgumentNullException.ThrowIfNull(store);
        var (data, _, sha) = await ReadAsync(store, uri, ct, text => (TableParser.Apply(text, uri, encoding, ct), encoding)).ConfigureAwait(false);
        return (data, sha);
    }

    private static async Task<(TabularData Data, FeatureEncoding Encoding, string Sha256)> ReadAsync(
        IObjectStore store, string uri, CancellationToken ct, Func<TextReader, (TabularData, FeatureEncoding)> parse)
    {
        ArgumentException.ThrowIfNullOrEmpty(uri);
        var raw = await store.OpenReadAsync(uri, ct).ConfigureAwait(false);
        await using var hashing = new HashingReadStream(raw);

        // Parsing is synchronous CPU work over a possibly remote stream: keep it off the caller's thread.
        return await Task.Run(
            () =>
            {
                var peekable = new PeekableStream(hashing);
                var content = peekable.Peek(2) is [0x1f, 0x8b] ? new GZipStream(peekable, CompressionMode.Decompress, leaveOpen: true) : (Stream)peekable;
                try
                {
                    using var text = new StreamReader(content, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16, leaveOpen: true);
                    var (data, encoding) = parse(text);
                    return (data, encoding, hashing.Finish());
                }
                catch (InvalidDataException e)
                {
                    throw new DataFormatException(uri, 1, 1, $"The file looks gzip-compressed but cannot be decompressed: {e.Message}");
                }
                finally
                {
                    if (!ReferenceEquals(content, peekable))
                    {
                        content.Dispose();
                    }
                }
            },
            ct).ConfigureAwait(false);
    }
}
