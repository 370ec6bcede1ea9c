namespace Assistant.Llama.Gguf;

/// <summary>Value types of GGUF metadata (format v3).</summary>
public enum GgufValueType : uint
{
    UInt8 = 0,
    Int8 = 1,
    UInt16 = 2,
    Int16 = 3,
    UInt32 = 4,
    Int32 = 5,
    Float32 = 6,
    Bool = 7,
    String = 8,
    Array = 9,
    UInt64 = 10,
    Int64 = 11,
    Float64 = 12,
}

/// <summary>Tensor element types (ggml_type numbers) the reader knows the size of.</summary>
public enum GgmlType : uint
{
    F32 = 0,
    F16 = 1,
    Q4_0 = 2,
    Q4_1 = 3,
    Q5_0 = 6,
    Q5_1 = 7,
    Q8_0 = 8,
    Q8_1 = 9,
    Q2_K = 10,
    Q3_K = 11,
    Q4_K = 12,
    Q5_K = 13,
    Q6_K = 14,
    Q8_K = 15,
    IQ4_NL = 20,
    IQ4_XS = 23,
    I8 = 24,
    I16 = 25,
    I32 = 26,
    I64 = 27,
    F64 = 28,
    BF16 = 30,
}

public static class GgufFormat
{
    public const uint Magic = 0x46554747; // "GGUF" read as little-endian u32
    public const uint Version = 3;
    public const int DefaultAlignment = 32;

    /// <returns>Bytes for <paramref name="elements"/> elements of <paramref name="type"/>, or null for a type not listed.</returns>
    public static long? DataSize(GgmlType type, long elements)
    {
        (int Block, int Bytes)? layout = type switch
        {
            GgmlType.F32 or GgmlType.I32 => (1, 4),
            GgmlType.F16 or GgmlType.BF16 or GgmlType.I16 => (1, 2),
            GgmlType.I8 => (1, 1),
            GgmlType.I64 or GgmlType.F64 => (1, 8),
            GgmlType.Q4_0 or GgmlType.IQ4_NL => (32, 18),
            GgmlType.Q4_1 => (32, 20),
            GgmlType.Q5_0 => (32, 22),
            GgmlType.Q5_1 => (32, 24),
            GgmlType.Q8_0 => (32, 34),
            GgmlType.Q8_1 => (32, 36),
            GgmlType.Q2_K => (256, 84),
            GgmlType.Q3_K => (256, 110),
            GgmlType.Q4_K => (256, 144),
            GgmlType.Q5_K => (256, 176),
            GgmlType.Q6_K => (256, 210),
            GgmlType.Q8_K => (256, 292),
            GgmlType.IQ4_XS => (256, 136),
            _ => null,
        };
        return layout is { } l ? elements / l.Block * l.Bytes : null;
    }

    public static long Align(long offset, int alignment) => (offset + alignment - 1) / alignment * alignment;
}

/// <summary>One tensor as a GGUF file describes it. Dimensions are fastest-varying first.</summary>
public sealed record GgufTensorInfo(string Name, IReadOnlyList<long> Dimensions, GgmlType Type, long Offset)
{
    public long ElementCount => Dimensions.Aggregate(1L, (a, d) => a * d);
}
