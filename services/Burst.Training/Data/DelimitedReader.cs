namespace Burst.Training;

/// <summary>
/// Splits delimited text into records of fields (RFC 4180 quoting, "" for a quote inside quotes,
/// line breaks inside quotes), trimming spaces around unquoted fields so that census-style ", "
/// separators need no special case. Blank lines are skipped. Fields are spans into a reused buffer:
/// read them before the next <see cref="ReadRecord"/>.
/// </summary>
internal sealed class DelimitedReader(TextReader reader, string file, char separator, char? commentPrefix = null, long firstLine = 1)
{
    private readonly char[] _block = new char[1 << 16];
    private readonly List<(int Start, int Length, bool Quoted)> _fields = [];
    private int _blockLength;
    private int _blockPosition;
    private char[] _chars = new char[1024];
    private int _charCount;
    private long _line = firstLine;

    public string File { get; } = file;

    /// <summary>The 1-based line the current record starts on.</summary>
    public long RecordLine { get; private set; }

    /// <summary>The 1-based line after the last record read (where a missing record would be).</summary>
    public long NextLine => _line;

    public int FieldCount => _fields.Count;

    public ReadOnlySpan<char> Field(int index)
    {
        var (start, length, _) = _fields[index];
        return _chars.AsSpan(start, length);
    }

    /// <summary>Reads the next non-blank record; false at the end of the text.</summary>
    public bool ReadRecord()
    {
        while (true)
        {
            var status = ReadPhysicalRecord();
            if (status == RecordStatus.End)
            {
                return false;
            }

            if (status == RecordStatus.Record)
            {
                return true;
            }
        }
    }

    public DataFormatException Error(int column, string problem) => new(File, RecordLine, column, problem);

    private enum RecordStatus
    {
        End,
        Blank,
        Record,
    }

    private enum State
    {
        FieldStart,
        Unquoted,
        Quoted,
        QuoteInQuoted,
    }

    private RecordStatus ReadPhysicalRecord()
    {
        _fields.Clear();
        _charCount = 0;
        RecordLine = _line;
        var state = State.FieldStart;
        var fieldStart = 0;
        var quoted = false;
        var anyContent = false;
        var atLineStart = true;

        while (true)
        {
            if (_blockPosition == _blockLength)
            {
                _blockLength = reader.Read(_block, 0, _block.Length);
                _blockPosition = 0;
                if (_blockLength == 0)
                {
                    if (state == State.Quoted)
                    {
                        throw new DataFormatException(File, RecordLine, _fields.Count + 1, "A quoted field is never closed (a \" is missing).");
                    }

                    if (!anyContent && _fields.Count == 0)
                    {
                        return RecordStatus.End;
                    }

                    EndField(fieldStart, quoted);
                    return RecordStatus.Record;
                }
            }

            var c = _block[_blockPosition++];
            if (atLineStart && commentPrefix is { } prefix && c == prefix && _fields.Count == 0 && _charCount == 0)
            {
                SkipRestOfLine();
                RecordLine = _line;
                continue;
            }

            atLineStart = false;
            switch (state)
            {
                case State.FieldStart:
                    if (c == '"')
                    {
                        state = State.Quoted;
                        quoted = true;
                        anyContent = true;
                    }
                    else if (c == separator)
                    {
                        anyContent = true;
                        EndField(fieldStart, quoted);
                        fieldStart = _charCount;
                        quoted = false;
                    }
                    else if (c == '\n')
                    {
                        _line++;
                        if (!anyContent && _fields.Count == 0)
                        {
                            return RecordStatus.Blank;
                        }

                        EndField(fieldStart, quoted);
                        return RecordStatus.Record;
                    }
                    else if (c is not (' ' or '\t' or '\r'))
                    {
                        Append(c);
                        anyContent = true;
                        state = State.Unquoted;
                    }

                    break;

                case State.Unquoted:
                    if (c == separator)
                    {
                        EndField(fieldStart, quoted);
                        fieldStart = _charCount;
                        state = State.FieldStart;
                    }
                    else if (c == '\n')
                    {
                        _line++;
                        EndField(fieldStart, quoted);
                        return RecordStatus.Record;
                    }
                    else if (c != '\r')
                    {
                        Append(c);
                    }

                    break;

                case State.Quoted:
                    if (c == '"')
                    {
                        state = State.QuoteInQuoted;
                    }
                    else
                    {
                        if (c == '\n')
                        {
                            _line++;
                        }

                        Append(c);
                    }

                    break;

                case State.QuoteInQuoted:
                    if (c == '"')
                    {
                        Append('"');
                        state = State.Quoted;
                    }
                    else if (c == separator)
                    {
                        EndField(fieldStart, quoted);
                        fieldStart = _charCount;
                        quoted = false;
                        state = State.FieldStart;
                    }
                    else if (c == '\n')
                    {
                        _line++;
                        EndField(fieldStart, quoted);
                        return RecordStatus.Record;
                    }
                    else if (c is not (' ' or '\t' or '\r'))
                    {
                        throw new DataFormatException(File, _line, _fields.Count + 1, $"Unexpected '{c}' after the closing quote of a field.");
                    }

                    break;
            }
        }
    }

    private void SkipRestOfLine()
    {
        while (true)
        {
            if (_blockPosition == _blockLength)
            {
                _blockLength = reader.Read(_block, 0, _block.Length);
                _blockPosition = 0;
                if (_blockLength == 0)
                {
                    return;
                }
            }

            if (_block[_blockPosition++] == '\n')
            {
                _line++;
                return;
            }
        }
    }

    private void Append(char c)
    {
        if (_charCount == _chars.Length)
        {
            Array.Resize(ref _chars, _chars.Length * 2);
        }

        _chars[_charCount++] = c;
    }

    private void EndField(int start, bool quoted)
    {
        var end = _charCount;
        if (!quoted)
        {
            while (end > start && _chars[end - 1] is ' ' or '\t')
            {
                end--;
            }
        }

        _fields.Add((start, end - start, quoted));
        _charCount = end;
    }
}
