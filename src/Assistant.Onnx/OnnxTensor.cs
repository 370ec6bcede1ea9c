using System.Globalization;

namespace Assistant.Onnx;

/// <summary>A dense tensor in row-major order: the data the runtime reads or wrote, with its shape.</summary>
public sealed class OnnxTensor
{
    private OnnxTensor(OnnxElementType elementType, Array data, long[] shape)
    {
        if (shape.Any(d => d < 0))
        {
            throw new ArgumentException($"A tensor's dimensions cannot be negative: [{string.Join(", ", shape)}].", nameof(shape));
        }

        var count = shape.Aggregate(1L, (a, d) => a * d);
        if (count != data.Length)
        {
            throw new ArgumentException(
                $"A tensor of shape [{string.Join(", ", shape)}] holds {count} values, but {data.Length} were given.", nameof(data));
        }

        ElementType = elementType;
        Data = data;
        Shape = shape;
    }

    public OnnxElementType ElementType { get; }

    public IReadOnlyList<long> Shape { get; }

    internal Array Data { get; }

    public int Length => Data.Length;

    public static OnnxTensor FromFloats(float[] data, params long[] shape) => new(OnnxElementType.Float, data, shape);

    public static OnnxTensor FromInt64(long[] data, params long[] shape) => new(OnnxElementType.Int64, data, shape);

    /// <summary>A [rows, columns] float tensor from a jagged array (every row the same length).</summary>
    public static OnnxTensor FromRows(IReadOnlyList<float[]> rows)
    {
        var columns = rows.Count == 0 ? 0 : rows[0].Length;
        var data = new float[rows.Count * columns];
        for (var r = 0; r < rows.Count; r++)
        {
            if (rows[r].Length != columns)
            {
                throw new ArgumentException($"Row {r} has {rows[r].Length} values; row 0 has {columns}.", nameof(rows));
            }

            rows[r].CopyTo(data, r * columns);
        }

        return FromFloats(data, rows.Count, columns);
    }

    public ReadOnlySpan<float> AsFloats() => Data as float[] ?? throw WrongType(OnnxElementType.Float);

    public ReadOnlySpan<long> AsInt64() => Data as long[] ?? throw WrongType(OnnxElementType.Int64);

    /// <summary>Row <paramref name="row"/> of a [rows, columns] float tensor.</summary>
    public ReadOnlySpan<float> FloatRow(int row)
    {
        if (Shape.Count != 2)
        {
            throw new InvalidOperationException($"FloatRow needs a 2-D tensor; this one is [{string.Join(", ", Shape)}].");
        }

        var columns = (int)Shape[1];
        return AsFloats().Slice(row * columns, columns);
    }

    private InvalidOperationException WrongType(OnnxElementType wanted) =>
        new($"The tensor holds {ElementType} values, not {wanted}.");

    public override string ToString() =>
        $"{ElementType}[{string.Join(", ", Shape.Select(d => d.ToString(CultureInfo.InvariantCulture)))}]";
}
