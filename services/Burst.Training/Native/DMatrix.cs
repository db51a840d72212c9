namespace Burst.Training.Native;

/// <summary>A dense float matrix handed to XGBoost once; NaN marks a missing value.</summary>
internal sealed unsafe class DMatrix : IDisposable
{
    private DMatrix(DMatrixHandle handle, long rows, long columns)
    {
        Handle = handle;
        Rows = rows;
        Columns = columns;
    }

    internal DMatrixHandle Handle { get; }

    public long Rows { get; }

    public long Columns { get; }

    /// <summary>
    /// Copies row-major <paramref name="values"/> (rows × columns) into a new DMatrix; XGBoost keeps
    /// its own copy, so the span may be reused as soon as this returns.
    /// </summary>
    public static DMatrix FromDense(ReadOnlySpan<float> values, int rows, int columns, ReadOnlySpan<float> labels = default, int threads = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        if (values.Length != (long)rows * columns)
        {
            throw new ArgumentException($"Expected {rows} x {columns} values, got {values.Length}.", nameof(values));
        }

        if (!labels.IsEmpty && labels.Length != rows)
        {
            throw new ArgumentException($"Expected {rows} labels, got {labels.Length}.", nameof(labels));
        }

        DMatrixHandle handle;
        fixed (float* data = values)
        {
            NativeMethods.Check(
                NativeMethods.XGDMatrixCreateFromMat_omp(data, (ulong)rows, (ulong)columns, float.NaN, out handle, threads),
                nameof(NativeMethods.XGDMatrixCreateFromMat_omp));
        }

        var matrix = new DMatrix(handle, rows, columns);
        if (!labels.IsEmpty)
        {
            try
            {
                fixed (float* label = labels)
                {
                    NativeMethods.Check(NativeMethods.XGDMatrixSetFloatInfo(handle, "label", label, (ulong)labels.Length), nameof(NativeMethods.XGDMatrixSetFloatInfo));
                }
            }
            catch
            {
                matrix.Dispose();
                throw;
            }
        }

        return matrix;
    }

    public void Dispose() => Handle.Dispose();
}
