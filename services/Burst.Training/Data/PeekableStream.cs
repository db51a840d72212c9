using Burst.Training.Storage;

namespace Burst.Training;

/// <summary>A forward-only stream whose first bytes can be looked at before anyone reads them (to spot gzip's magic number on a non-seekable stream).</summary>
internal sealed class PeekableStream(Stream inner) : ReadOnlyForwardStream
{
    private readonly byte[] _prefix = new byte[4];
    private int _prefixLength;
    private int _prefixPosition;
    private bool _peeked;

    /// <summary>Up to <paramref name="count"/> (at most 4) leading bytes; fewer when the stream is shorter.</summary>
    public ReadOnlySpan<byte> Peek(int count)
    {
        if (!_peeked)
        {
            _peeked = true;
            while (_prefixLength < _prefix.Length)
            {
                var read = inner.Read(_prefix, _prefixLength, _prefix.Length - _prefixLength);
                if (read == 0)
                {
                    break;
                }

                _prefixLength += read;
            }
        }

        return _prefix.AsSpan(0, Math.Min(count, _prefixLength));
    }

    public override int Read(Span<byte> buffer)
    {
        if (_prefixPosition < _prefixLength)
        {
            var n = Math.Min(buffer.Length, _prefixLength - _prefixPosition);
            _prefix.AsSpan(_prefixPosition, n).CopyTo(buffer);
            _prefixPosition += n;
            return n;
        }

        return inner.Read(buffer);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
