using System.Security.Cryptography;
using Burst.Training.Storage;

namespace Burst.Training;

/// <summary>
/// Reads through to an inner stream, hashing every byte on the way, so a dataset is hashed in the
/// same single pass that parses it (the object may be remote and large).
/// </summary>
internal sealed class HashingReadStream(Stream inner) : ReadOnlyForwardStream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public override int Read(Span<byte> buffer)
    {
        var read = inner.Read(buffer);
        _hash.AppendData(buffer[..read]);
        return read;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        _hash.AppendData(buffer.Span[..read]);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Reads whatever the parser left unread (a decompressor may stop short of the end), then returns the lowercase hex SHA-256.</summary>
    public string Finish()
    {
        var rest = new byte[1 << 16];
        while (Read(rest) > 0)
        {
        }

        return Convert.ToHexStringLower(_hash.GetHashAndReset());
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
