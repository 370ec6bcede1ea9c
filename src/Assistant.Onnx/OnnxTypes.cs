namespace Assistant.Onnx;

/// <summary>ORT's <c>OrtErrorCode</c>.</summary>
public enum OrtErrorCode
{
    Ok = 0,
    Fail = 1,
    InvalidArgument = 2,
    NoSuchFile = 3,
    NoModel = 4,
    EngineError = 5,
    RuntimeException = 6,
    InvalidProtobuf = 7,
    ModelLoaded = 8,
    NotImplemented = 9,
    InvalidGraph = 10,
    ExecutionProviderFail = 11,
}

/// <summary>ONNX tensor element types (the numbers are <c>TensorProto.DataType</c>).</summary>
public enum OnnxElementType
{
    Undefined = 0,
    Float = 1,
    UInt8 = 2,
    Int8 = 3,
    UInt16 = 4,
    Int16 = 5,
    Int32 = 6,
    Int64 = 7,
    String = 8,
    Bool = 9,
    Float16 = 10,
    Double = 11,
}

/// <summary>ORT's <c>ONNXType</c>: what kind of value an input or output is.</summary>
public enum OnnxValueKind
{
    Unknown = 0,
    Tensor = 1,
    Sequence = 2,
    Map = 3,
    Opaque = 4,
    SparseTensor = 5,
    Optional = 6,
}

/// <summary>A failure reported by ONNX Runtime (or caught before calling it); the message says what and why.</summary>
public sealed class OnnxRuntimeException : Exception
{
    public OnnxRuntimeException(string message, OrtErrorCode code = OrtErrorCode.Fail)
        : base(message)
    {
        Code = code;
    }

    public OnnxRuntimeException(string message, Exception inner)
        : base(message, inner)
    {
        Code = OrtErrorCode.Fail;
    }

    public OrtErrorCode Code { get; }
}

/// <summary>
/// A model input or output as the model declares it. A dimension of -1 is free (e.g. the batch size): the
/// runtime accepts any size there.
/// </summary>
public sealed record OnnxNodeInfo(string Name, OnnxValueKind Kind, OnnxElementType ElementType, IReadOnlyList<long> Shape)
{
    public override string ToString() =>
        Kind == OnnxValueKind.Tensor
            ? $"{Name}: {ElementType}[{string.Join(", ", Shape.Select(d => d < 0 ? "?" : d.ToString(System.Globalization.CultureInfo.InvariantCulture)))}]"
            : $"{Name}: {Kind}";
}
