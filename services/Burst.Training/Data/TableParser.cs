namespace Burst.Training;

/// <summary>
/// Turns delimited text into <see cref="TabularData"/>: <see cref="Fit"/> learns the encoding from a
/// training file, <see cref="Apply"/> encodes any later file (test, evaluation) the same way.
/// </summary>
internal static class TableParser
{
    private const int CancellationCheckInterval = 4096;
    private static readonly char[] SeparatorCandidates = [',', ';', '\t', '|'];

    public static (TabularData Data, FeatureEncoding Encoding) Fit(TextReader text, string file, DatasetSpec spec, CancellationToken ct)
    {
        var layout = spec.Format == DatasetFormat.Census
            ? Layout.Census(text, file)
            : Layout.FromHeader(text, file, separator: null);
        var columns = layout.Columns;
        var labelIndex = LabelIndex(layout, spec.Format == DatasetFormat.Census ? CensusFormat.LabelColumn : spec.LabelColumn);
        var reader = layout.Reader;

        // Every cell becomes the id of its distinct text per column; kinds and codes are decided once
        // the whole file is seen (a column is numeric only if every value in it is).
        var distinct = columns.Select(_ => new Dictionary<string, int>(StringComparer.Ordinal)).ToArray();
        var lookups = distinct.Select(d => d.GetAlternateLookup<ReadOnlySpan<char>>()).ToArray();
        var ids = new List<int>(1 << 16);
        var lines = new List<long>(1 << 12);
        while (reader.ReadRecord())
        {
            CheckWidth(reader, columns.Length);
            for (var c = 0; c < columns.Length; c++)
            {
                var cell = reader.Field(c);
                if (c == labelIndex && spec.Format == DatasetFormat.Census)
                {
                    cell = CensusFormat.NormalizeLabel(cell);
                }

                if (!lookups[c].TryGetValue(cell, out var id))
                {
                    id = distinct[c].Count;
                    lookups[c][cell] = id;
                }

                ids.Add(id);
            }

            lines.Add(reader.RecordLine);
            if (lines.Count % CancellationCheckInterval == 0)
            {
                ct.ThrowIfCancellationRequested();
            }
        }

        var rows = lines.Count;
        if (rows == 0)
        {
            throw new DataFormatException(file, reader.NextLine, 1, layout.HasHeader ? "No data rows after the header." : "The file holds no data rows (it is empty).");
        }

        var featureColumns = Enumerable.Range(0, columns.Length).Where(c => c != labelIndex).ToArray();
        var features = new float[(long)rows * featureColumns.Length];
        var encodings = new FeatureColumn[featureColumns.Length];
        for (var f = 0; f < featureColumns.Length; f++)
        {
            var c = featureColumns[f];
            var texts = ById(distinct[c]);
            var (encoding, valueById) = spec.Format == DatasetFormat.Census
                ? FitCensusColumn(columns[c], texts, id => FirstLineWith(ids, lines, columns.Length, c, id), file, c)
                : FitCsvColumn(columns[c], texts);
            encodings[f] = encoding;
            for (var r = 0; r < rows; r++)
            {
                features[(long)r * featureColumns.Length + f] = valueById[ids[r * columns.Length + c]];
            }
        }

        var (label, labels) = FitLabels(spec, columns[labelIndex], ById(distinct[labelIndex]), ids, lines, columns.Length, labelIndex, file);
        var encodingResult = new FeatureEncoding(spec.Format, encodings, label, layout.Separator);
        return (new TabularData(features, labels, encodingResult.FeatureNames, file), encodingResult);
    }

    public static TabularData Apply(TextReader text, string file, FeatureEncoding encoding, CancellationToken ct)
    {
        var layout = encoding.Format == DatasetFormat.Census
            ? Layout.Census(text, file)
            : Layout.FromHeader(text, file, encoding.Separator);
        var reader = layout.Reader;
        var positions = new int[encoding.Features.Count];
        for (var f = 0; f < positions.Length; f++)
        {
            positions[f] = Array.IndexOf(layout.Columns, encoding.Features[f].Name);
            if (positions[f] < 0)
            {
                throw new DataFormatException(file, layout.HeaderLine, 1, $"No column named '{encoding.Features[f].Name}', which the model was trained with. Columns here: {Cells.QuoteList(layout.Columns)}.");
            }
        }

        var labelIndex = Array.IndexOf(layout.Columns, encoding.Label.Column);
        if (labelIndex < 0)
        {
            throw new DataFormatException(file, layout.HeaderLine, 1, $"No label column '{encoding.Label.Column}'. Columns here: {Cells.QuoteList(layout.Columns)}.");
        }

        var codes = encoding.Features
            .Select(f => f.Kind == FeatureKind.Categorical
                ? f.Categories!.Select((category, code) => (category, code)).ToDictionary(p => p.category, p => (float)p.code, StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>()
                : default(Dictionary<string, float>.AlternateLookup<ReadOnlySpan<char>>?))
            .ToArray();
        var census = encoding.Format == DatasetFormat.Census;
        var features = new List<float>(1 << 16);
        var labels = new List<float>(1 << 12);
        while (reader.ReadRecord())
        {
            CheckWidth(reader, layout.Columns.Length);
            for (var f = 0; f < positions.Length; f++)
            {
                var cell = reader.Field(positions[f]);
                var feature = encoding.Features[f];
                if (feature.Kind == FeatureKind.Numeric)
                {
                    if (Cells.TryParseNumber(cell, out var number))
                    {
                        features.Add(number);
                    }
                    else if (Cells.IsMissing(cell))
                    {
                        features.Add(float.NaN);
                    }
                    else
                    {
                        throw reader.Error(positions[f] + 1, $"Expected a number in column '{feature.Name}' (training saw numbers there), found {Cells.Quote(cell)}.");
                    }
                }
                else
                {
                    // Census keeps "?" as a category of its own, as the seed's LabelEncoder did; elsewhere missing and unseen values are NaN.
                    features.Add(codes[f]!.Value.TryGetValue(cell, out var code) && (census || !Cells.IsMissing(cell)) ? code : float.NaN);
                }
            }

            labels.Add(LabelValue(reader, encoding, labelIndex));
            if (labels.Count % CancellationCheckInterval == 0)
            {
                ct.ThrowIfCancellationRequested();
            }
        }

        if (labels.Count == 0)
        {
            throw new DataFormatException(file, reader.NextLine, 1, layout.HasHeader ? "No data rows after the header." : "The file holds no data rows (it is empty).");
        }

        return new TabularData(features.ToArray(), labels.ToArray(), encoding.FeatureNames, file);
    }

    private static float LabelValue(DelimitedReader reader, FeatureEncoding encoding, int labelIndex)
    {
        var cell = reader.Field(labelIndex);
        if (encoding.Format == DatasetFormat.Census)
        {
            cell = CensusFormat.NormalizeLabel(cell);
            if (cell.SequenceEqual(CensusFormat.PositiveLabel))
            {
                return 1;
            }

            if (cell.SequenceEqual(CensusFormat.NegativeLabel))
            {
                return 0;
            }

            throw reader.Error(labelIndex + 1, $"Expected the label {CensusFormat.PositiveLabel} or {CensusFormat.NegativeLabel} (a trailing '.' allowed), found {Cells.Quote(cell)}.");
        }

        if (Cells.IsMissing(cell))
        {
            throw reader.Error(labelIndex + 1, $"The label column '{encoding.Label.Column}' is empty or missing here.");
        }

        return cell.SequenceEqual(encoding.Label.PositiveLabel) ? 1 : 0;
    }

    private static (FeatureColumn Column, float[] ValueById) FitCensusColumn(string name, string[] texts, Func<int, long> lineOf, string file, int columnIndex)
    {
        if (CensusFormat.Numeric.Contains(name))
        {
            var values = new float[texts.Length];
            for (var id = 0; id < texts.Length; id++)
            {
                if (Cells.TryParseNumber(texts[id], out var number))
                {
                    values[id] = number;
                }
                else if (Cells.IsMissing(texts[id]))
                {
                    values[id] = float.NaN;
                }
                else
                {
                    throw new DataFormatException(file, lineOf(id), columnIndex + 1, $"Expected a number in column {Cells.Quote(name)}, found {Cells.Quote(texts[id])}.");
                }
            }

            return (new FeatureColumn(name, FeatureKind.Numeric), values);
        }

        // The seed's LabelEncoder: every distinct string, "?" included, coded by its place in sorted order.
        return Categorical(name, texts, _ => true);
    }

    private static (FeatureColumn Column, float[] ValueById) FitCsvColumn(string name, string[] texts)
    {
        var values = new float[texts.Length];
        var numeric = true;
        for (var id = 0; id < texts.Length && numeric; id++)
        {
            if (Cells.TryParseNumber(texts[id], out var number))
            {
                values[id] = number;
            }
            else if (Cells.IsMissing(texts[id]))
            {
                values[id] = float.NaN;
            }
            else
            {
                numeric = false;
            }
        }

        return numeric ? (new FeatureColumn(name, FeatureKind.Numeric), values) : Categorical(name, texts, t => !Cells.IsMissing(t));
    }

    private static (FeatureColumn Column, float[] ValueById) Categorical(string name, string[] texts, Func<string, bool> isCategory)
    {
        var categories = texts.Where(isCategory).Order(StringComparer.Ordinal).ToArray();
        var codeOf = categories.Select((category, code) => (category, code)).ToDictionary(p => p.category, p => (float)p.code, StringComparer.Ordinal);
        var values = texts.Select(t => codeOf.TryGetValue(t, out var code) ? code : float.NaN).ToArray();
        return (new FeatureColumn(name, FeatureKind.Categorical, categories), values);
    }

    private static (LabelEncoding Label, float[] Labels) FitLabels(DatasetSpec spec, string column, string[] texts, List<int> ids, List<long> lines, int width, int labelIndex, string file)
    {
        string positive;
        if (spec.Format == DatasetFormat.Census)
        {
            for (var id = 0; id < texts.Length; id++)
            {
                if (texts[id] is not (CensusFormat.PositiveLabel or CensusFormat.NegativeLabel))
                {
                    throw new DataFormatException(file, FirstLineWith(ids, lines, width, labelIndex, id), labelIndex + 1,
                        $"Expected the label {CensusFormat.PositiveLabel} or {CensusFormat.NegativeLabel} (a trailing '.' allowed), found {Cells.Quote(texts[id])}.");
                }
            }

            positive = CensusFormat.PositiveLabel;
        }
        else
        {
            for (var id = 0; id < texts.Length; id++)
            {
                if (Cells.IsMissing(texts[id]))
                {
                    throw new DataFormatException(file, FirstLineWith(ids, lines, width, labelIndex, id), labelIndex + 1, $"The label column {Cells.Quote(column)} is empty or missing here.");
                }
            }

            positive = spec.PositiveLabel ?? InferPositive(texts, column, file, lines[0], labelIndex);
        }

        var classes = texts.Order(StringComparer.Ordinal).ToArray();
        var labels = new float[lines.Count];
        long positives = 0;
        for (var r = 0; r < labels.Length; r++)
        {
            if (texts[ids[r * width + labelIndex]] == positive)
            {
                labels[r] = 1;
                positives++;
            }
        }

        if (positives == 0 || positives == labels.Length)
        {
            var seen = Cells.QuoteList(classes);
            throw new DataFormatException(file, lines[0], labelIndex + 1,
                $"The label column {Cells.Quote(column)} has one class only in all {labels.Length} rows ({seen}; positive label {Cells.Quote(positive)}); a classifier needs both classes.");
        }

        return (new LabelEncoding(column, positive, classes), labels);
    }

    private static string InferPositive(string[] classes, string column, string file, long line, int labelIndex)
    {
        foreach (var conventional in new[] { "1", "true", "yes" })
        {
            var match = classes.FirstOrDefault(c => string.Equals(c, conventional, StringComparison.OrdinalIgnoreCase));
            if (match is not null)
            {
                return match;
            }
        }

        if (classes.Length == 2)
        {
            return classes.Max(StringComparer.Ordinal)!;
        }

        throw new DataFormatException(file, line, labelIndex + 1,
            $"The label column {Cells.Quote(column)} has {classes.Length} distinct values ({Cells.QuoteList(classes)}); name the positive label.");
    }

    private static int LabelIndex(Layout layout, string? labelColumn)
    {
        // Without a named label the last column is the label; it still needs a feature beside it.
        var index = labelColumn is null ? layout.Columns.Length - 1 : Array.IndexOf(layout.Columns, labelColumn);
        if (index < 0 && labelColumn is not null)
        {
            index = Array.FindIndex(layout.Columns, c => string.Equals(c, labelColumn, StringComparison.OrdinalIgnoreCase));
        }

        if (index < 0)
        {
            throw new DataFormatException(layout.Reader.File, layout.HeaderLine, 1, $"No label column named '{labelColumn}'. Columns: {Cells.QuoteList(layout.Columns)}.");
        }

        if (layout.Columns.Length < 2)
        {
            throw new DataFormatException(layout.Reader.File, layout.HeaderLine, 1, "A dataset needs at least one feature column besides the label.");
        }

        return index;
    }

    private static void CheckWidth(DelimitedReader reader, int width)
    {
        if (reader.FieldCount != width)
        {
            throw reader.Error(Math.Min(reader.FieldCount, width) + 1, $"Expected {width} fields, found {reader.FieldCount}.");
        }
    }

    private static string[] ById(Dictionary<string, int> distinct)
    {
        var texts = new string[distinct.Count];
        foreach (var (text, id) in distinct)
        {
            texts[id] = text;
        }

        return texts;
    }

    private static long FirstLineWith(List<int> ids, List<long> lines, int width, int column, int id)
    {
        for (var r = 0; r < lines.Count; r++)
        {
            if (ids[r * width + column] == id)
            {
                return lines[r];
            }
        }

        return lines[0];
    }

    /// <summary>The column names of a file and a reader positioned on its first data row.</summary>
    private sealed record Layout(string[] Columns, DelimitedReader Reader, char Separator, bool HasHeader, long HeaderLine)
    {
        public static Layout Census(TextReader text, string file) =>
            new(CensusFormat.Columns, new DelimitedReader(text, file, ',', CensusFormat.CommentPrefix), ',', HasHeader: false, HeaderLine: 1);

        public static Layout FromHeader(TextReader text, string file, char? separator)
        {
            long line = 0;
            string? header;
            do
            {
                header = text.ReadLine();
                line++;
            }
            while (header is not null && string.IsNullOrWhiteSpace(header));

            if (header is null)
            {
                throw new DataFormatException(file, line, 1, "The file is empty: a header row is expected.");
            }

            var chosen = separator ?? Detect(header);
            var headerReader = new DelimitedReader(new StringReader(header), file, chosen, firstLine: line);
            headerReader.ReadRecord();
            var columns = new string[headerReader.FieldCount];
            for (var c = 0; c < columns.Length; c++)
            {
                columns[c] = headerReader.Field(c).ToString();
                if (columns[c].Length == 0)
                {
                    throw new DataFormatException(file, line, c + 1, "A header field is empty: every column needs a name.");
                }
            }

            return new Layout(columns, new DelimitedReader(text, file, chosen, firstLine: line + 1), chosen, HasHeader: true, HeaderLine: line);
        }

        /// <summary>The candidate that splits the header into the most fields outside quotes; a comma when none does.</summary>
        private static char Detect(string header)
        {
            var best = ',';
            var bestCount = 0;
            foreach (var candidate in SeparatorCandidates)
            {
                var count = 0;
                var inQuotes = false;
                foreach (var c in header)
                {
                    if (c == '"')
                    {
                        inQuotes = !inQuotes;
                    }
                    else if (c == candidate && !inQuotes)
                    {
                        count++;
                    }
                }

                if (count > bestCount)
                {
                    (best, bestCount) = (candidate, count);
                }
            }

            return best;
        }
    }
}
