using System.Runtime.InteropServices;
using System.Text;

namespace Assistant.Llama.Gguf;

/// <summary>
/// Writes GGUF v3 files: metadata in the order added, then the tensor table, then the data, each piece aligned
/// to 32 bytes. Tensor values are produced when written, so large files never sit in memory whole.
/// </summary>
public sealed class GgufWriter
{
    private readonly List<(string Key, GgufValueType Type, object Value)> _metadata = [];
    private readonly List<(string Name, long[] Dims, GgmlType Type, Func<float[]> Values)> _tensors = [];

    public GgufWriter Add(string key, string value) => Put(key, GgufValueType.String, value);

    public GgufWriter Add(string key, uint value) => Put(key, GgufValueType.UInt32, value);

    public GgufWriter Add(string key, int value) => Put(key, GgufValueType.Int32, value);

    public GgufWriter Add(string key, float value) => Put(key, GgufValueType.Float32, value);

    public GgufWriter Add(string key, bool value) => Put(key, GgufValueType.Bool, value);

    public GgufWriter Add(string key, IReadOnlyList<string> values) => Put(key, GgufValueType.Array, (GgufValueType.String, values.Cast<object>().ToArray()));

    public GgufWriter Add(string key, IReadOnlyList<int> values) => Put(key, GgufValueType.Array, (GgufValueType.Int32, values.Cast<object>().ToArray()));

    public GgufWriter Add(string key, IReadOnlyList<float> values) => Put(key, GgufValueType.Array, (GgufValueType.Float32, values.Cast<object>().ToArray()));

    /// <summary>Adds a tensor of F32 or F16 values; <paramref name="dims"/> fastest-varying first.</summary>
    public GgufWriter AddTensor(string name, long[] dims, GgmlType type, Func<float[]> values)
    {
        if (type is not (GgmlType.F32 or GgmlType.F16))
        {
            throw new ArgumentException($"The writer stores F32 or F16 tensors, not {type}.", nameof(type));
        }

        _tensors.Add((name, dims, type, values));
        return this;
    }

    public void Write(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        using var writer = new BinaryWriter(stream, Encoding.UTF8);
        writer.Write(GgufFormat.Magic);
        writer.Write(GgufFormat.Version);
        writer.Write((ulong)_tensors.Count);
        writer.Write((ulong)_metadata.Count);
        foreach (var (key, type, value) in _metadata)
        {
            WriteString(writer, key);
            writer.Write((uint)type);
            WriteValue(writer, type, value);
        }

        long offset = 0;
        foreach (var (name, dims, type, _) in _tensors)
        {
            WriteString(writer, name);
            writer.Write((uint)dims.Length);
            foreach (var d in dims)
            {
                writer.Write((ulong)d);
            }

            writer.Write((uint)type);
            writer.Write((ulong)offset);
            offset = GgufFormat.Align(offset + DataSize(dims, type), GgufFormat.DefaultAlignment);
        }

        Pad(writer);
        foreach (var (name, dims, type, produce) in _tensors)
        {
            var values = produce();
            var expected = dims.Aggregate(1L, (a, d) => a * d);
            if (values.Length != expected)
            {
                throw new InvalidOperationException($"Tensor {name} has {values.Length} values for {expected} elements.");
            }

            if (type == GgmlType.F32)
            {
                writer.Write(MemoryMarshal.AsBytes(values.AsSpan()));
            }
            else
            {
                var halves = new Half[values.Length];
                for (var i = 0; i < values.Length; i++)
                {
                    halves[i] = (Half)values[i];
                }

                writer.Write(MemoryMarshal.AsBytes(halves.AsSpan()));
            }

            Pad(writer);
        }
    }

    private GgufWriter Put(string key, GgufValueType type, object value)
    {
        _metadata.RemoveAll(m => m.Key == key);
        _metadata.Add((key, type, value));
        return this;
    }

    private static long DataSize(long[] dims, GgmlType type) => GgufFormat.DataSize(type, dims.Aggregate(1L, (a, d) => a * d))!.Value;

    private static void Pad(BinaryWriter writer)
    {
        var position = writer.BaseStream.Position;
        var padding = GgufFormat.Align(position, GgufFormat.DefaultAlignment) - position;
        for (var i = 0; i < padding; i++)
        {
            writer.Write((byte)0);
        }
    }

    private static void WriteString(BinaryWriter writer, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        writer.Write((ulong)bytes.Length);
        writer.Write(bytes);
    }

    private static void WriteValue(BinaryWriter writer, GgufValueType type, object value)
    {
        switch (type)
        {
            case GgufValueType.String:
                WriteString(writer, (string)value);
                break;
            case GgufValueType.UInt32:
                writer.Write((uint)value);
                break;
            case GgufValueType.Int32:
                writer.Write((int)value);
                break;
            case GgufValueType.Float32:
                writer.Write((float)value);
                break;
            case GgufValueType.Bool:
                writer.Write((bool)value ? (byte)1 : (byte)0);
                break;
            case GgufValueType.Array:
                var (elementType, items) = ((GgufValueType, object[]))value;
                writer.Write((uint)elementType);
                writer.Write((ulong)items.Length);
                foreach (var item in items)
                {
                    WriteValue(writer, elementType, item);
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(type), type, "not written by this writer");
        }
    }
}
