using Google.Protobuf;

namespace Assistant.Tools.Classifiers.Training.OnnxWriting;

/// <summary>An attribute of a graph node (AttributeProto).</summary>
public abstract record OnnxAttribute(string Name)
{
    public static OnnxAttribute Of(string name, long value) => new IntAttribute(name, value);

    public static OnnxAttribute Of(string name, float value) => new FloatAttribute(name, value);

    public static OnnxAttribute Of(string name, string value) => new StringAttribute(name, value);

    public static OnnxAttribute Of(string name, IReadOnlyList<long> values) => new IntsAttribute(name, values);

    public static OnnxAttribute Of(string name, IReadOnlyList<float> values) => new FloatsAttribute(name, values);

    public static OnnxAttribute Of(string name, IReadOnlyList<string> values) => new StringsAttribute(name, values);
}

public sealed record IntAttribute(string Name, long Value) : OnnxAttribute(Name);

public sealed record FloatAttribute(string Name, float Value) : OnnxAttribute(Name);

public sealed record StringAttribute(string Name, string Value) : OnnxAttribute(Name);

public sealed record IntsAttribute(string Name, IReadOnlyList<long> Values) : OnnxAttribute(Name);

public sealed record FloatsAttribute(string Name, IReadOnlyList<float> Values) : OnnxAttribute(Name);

public sealed record StringsAttribute(string Name, IReadOnlyList<string> Values) : OnnxAttribute(Name);

/// <summary>
/// Writes ONNX model files (ModelProto) field by field with protobuf's <see cref="CodedOutputStream"/>: enough of
/// the format for our classifiers (graph inputs/outputs, initializers, nodes in any domain, metadata).
/// Field numbers are those of onnx.proto / onnx-ml.proto. A dimension of -1 is written as a named free dimension.
/// </summary>
public sealed class OnnxModelBuilder
{
    // ModelProto
    private const int ModelIrVersion = 1, ModelProducerName = 2, ModelProducerVersion = 3, ModelDomain = 4, ModelModelVersion = 5,
        ModelDocString = 6, ModelGraph = 7, ModelOpsetImport = 8, ModelMetadataProps = 14;

    // GraphProto
    private const int GraphNode = 1, GraphNameField = 2, GraphInitializer = 5, GraphInput = 11, GraphOutput = 12;

    // NodeProto
    private const int NodeInput = 1, NodeOutput = 2, NodeName = 3, NodeOpType = 4, NodeAttribute = 5, NodeDomain = 7;

    // AttributeProto
    private const int AttrName = 1, AttrF = 2, AttrI = 3, AttrS = 4, AttrFloats = 7, AttrInts = 8, AttrStrings = 9, AttrType = 20;
    private const int AttrTypeFloat = 1, AttrTypeInt = 2, AttrTypeString = 3, AttrTypeFloats = 6, AttrTypeInts = 7, AttrTypeStrings = 8;

    // TensorProto
    private const int TensorDims = 1, TensorDataType = 2, TensorFloatData = 4, TensorInt64Data = 7, TensorName = 8;

    private readonly List<(string Domain, long Version)> _opsets = [];
    private readonly List<(string Name, OnnxDataType Type, long[] Dims)> _inputs = [];
    private readonly List<(string Name, OnnxDataType Type, long[] Dims)> _outputs = [];
    private readonly List<(string Name, OnnxDataType Type, long[] Dims, Array Data)> _initializers = [];
    private readonly List<(string OpType, string[] Inputs, string[] Outputs, string Domain, string Name, OnnxAttribute[] Attributes)> _nodes = [];
    private readonly List<(string Key, string Value)> _metadata = [];

    public OnnxModelBuilder(string graphName)
    {
        GraphName = graphName;
    }

    public string GraphName { get; }

    /// <summary>IR version 8 is read by every ORT since 1.10.</summary>
    public long IrVersion { get; init; } = 8;

    public string ProducerName { get; init; } = "shopfloor-assistant";

    public string ProducerVersion { get; init; } = "1";

    public long ModelVersion { get; init; } = 1;

    public string? DocString { get; init; }

    public OnnxModelBuilder Opset(string domain, long version)
    {
        _opsets.Add((domain, version));
        return this;
    }

    public OnnxModelBuilder Input(string name, OnnxDataType type, params long[] dims)
    {
        _inputs.Add((name, type, dims));
        return this;
    }

    public OnnxModelBuilder Output(string name, OnnxDataType type, params long[] dims)
    {
        _outputs.Add((name, type, dims));
        return this;
    }

    public OnnxModelBuilder Initializer(string name, float[] data, params long[] dims) => AddInitializer(name, OnnxDataType.Float, data, dims);

    public OnnxModelBuilder Initializer(string name, long[] data, params long[] dims) => AddInitializer(name, OnnxDataType.Int64, data, dims);

    private OnnxModelBuilder AddInitializer(string name, OnnxDataType type, Array data, long[] dims)
    {
        if (dims.Aggregate(1L, (a, d) => a * d) != data.Length)
        {
            throw new ArgumentException($"Initializer '{name}' has {data.Length} values for dimensions [{string.Join(", ", dims)}].", nameof(data));
        }

        _initializers.Add((name, type, dims, data));
        return this;
    }

    /// <param name="domain">"" for the standard operators, <c>ai.onnx.ml</c> for the classic ML ones.</param>
    public OnnxModelBuilder Node(string opType, string[] inputs, string[] outputs, string domain = "", string? name = null, params OnnxAttribute[] attributes)
    {
        _nodes.Add((opType, inputs, outputs, domain, name ?? $"{opType}_{_nodes.Count}", attributes));
        return this;
    }

    /// <summary>A <c>metadata_props</c> entry: ORT returns it through the model metadata.</summary>
    public OnnxModelBuilder Metadata(string key, string value)
    {
        _metadata.Add((key, value));
        return this;
    }

    public byte[] ToBytes()
    {
        if (_opsets.Count == 0)
        {
            throw new InvalidOperationException("Declare at least one opset (e.g. Opset(\"\", 17)) before writing the model.");
        }

        return Message(o =>
        {
            WriteInt64(o, ModelIrVersion, IrVersion);
            WriteString(o, ModelProducerName, ProducerName);
            WriteString(o, ModelProducerVersion, ProducerVersion);
            WriteString(o, ModelDomain, "shopfloor.assistant");
            WriteInt64(o, ModelModelVersion, ModelVersion);
            if (DocString is not null)
            {
                WriteString(o, ModelDocString, DocString);
            }

            WriteMessage(o, ModelGraph, WriteGraph);
            foreach (var (domain, version) in _opsets)
            {
                WriteMessage(o, ModelOpsetImport, s =>
                {
                    WriteString(s, 1, domain);
                    WriteInt64(s, 2, version);
                });
            }

            foreach (var (key, value) in _metadata)
            {
                WriteMessage(o, ModelMetadataProps, s =>
                {
                    WriteString(s, 1, key);
                    WriteString(s, 2, value);
                });
            }
        });
    }

    public void Save(string path)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir))
        {
            Directory.CreateDirectory(dir);
        }

        File.WriteAllBytes(path, ToBytes());
    }

    private void WriteGraph(CodedOutputStream o)
    {
        foreach (var node in _nodes)
        {
            WriteMessage(o, GraphNode, s =>
            {
                foreach (var input in node.Inputs)
                {
                    WriteString(s, NodeInput, input);
                }

                foreach (var output in node.Outputs)
                {
                    WriteString(s, NodeOutput, output);
                }

                WriteString(s, NodeName, node.Name);
                WriteString(s, NodeOpType, node.OpType);
                foreach (var attribute in node.Attributes)
                {
                    WriteMessage(s, NodeAttribute, a => WriteAttribute(a, attribute));
                }

                if (node.Domain.Length > 0)
                {
                    WriteString(s, NodeDomain, node.Domain);
                }
            });
        }

        WriteString(o, GraphNameField, GraphName);
        foreach (var init in _initializers)
        {
            WriteMessage(o, GraphInitializer, s => WriteTensor(s, init.Name, init.Type, init.Dims, init.Data));
        }

        foreach (var input in _inputs)
        {
            WriteMessage(o, GraphInput, s => WriteValueInfo(s, input.Name, input.Type, input.Dims));
        }

        foreach (var output in _outputs)
        {
            WriteMessage(o, GraphOutput, s => WriteValueInfo(s, output.Name, output.Type, output.Dims));
        }
    }

    private static void WriteAttribute(CodedOutputStream o, OnnxAttribute attribute)
    {
        WriteString(o, AttrName, attribute.Name);
        switch (attribute)
        {
            case FloatAttribute f:
                o.WriteTag(AttrF, WireFormat.WireType.Fixed32);
                o.WriteFloat(f.Value);
                WriteInt64(o, AttrType, AttrTypeFloat);
                break;
            case IntAttribute i:
                WriteInt64(o, AttrI, i.Value);
                WriteInt64(o, AttrType, AttrTypeInt);
                break;
            case StringAttribute s:
                WriteString(o, AttrS, s.Value);
                WriteInt64(o, AttrType, AttrTypeString);
                break;
            case FloatsAttribute fs:
                foreach (var v in fs.Values)
                {
                    o.WriteTag(AttrFloats, WireFormat.WireType.Fixed32);
                    o.WriteFloat(v);
                }

                WriteInt64(o, AttrType, AttrTypeFloats);
                break;
            case IntsAttribute ints:
                foreach (var v in ints.Values)
                {
                    WriteInt64(o, AttrInts, v);
                }

                WriteInt64(o, AttrType, AttrTypeInts);
                break;
            case StringsAttribute ss:
                foreach (var v in ss.Values)
                {
                    WriteString(o, AttrStrings, v);
                }

                WriteInt64(o, AttrType, AttrTypeStrings);
                break;
            default:
                throw new NotSupportedException($"Attribute kind {attribute.GetType().Name} is not written.");
        }
    }

    private static void WriteTensor(CodedOutputStream o, string name, OnnxDataType type, long[] dims, Array data)
    {
        foreach (var d in dims)
        {
            WriteInt64(o, TensorDims, d);
        }

        WriteInt64(o, TensorDataType, (long)type);
        switch (data)
        {
            case float[] floats:
                foreach (var v in floats)
                {
                    o.WriteTag(TensorFloatData, WireFormat.WireType.Fixed32);
                    o.WriteFloat(v);
                }

                break;
            case long[] longs:
                foreach (var v in longs)
                {
                    WriteInt64(o, TensorInt64Data, v);
                }

                break;
        }

        WriteString(o, TensorName, name);
    }

    // ValueInfoProto { name 1, type 2: TypeProto { tensor_type 1: { elem_type 1, shape 2: { dim 1: { dim_value 1 | dim_param 2 } } } } }
    private static void WriteValueInfo(CodedOutputStream o, string name, OnnxDataType type, long[] dims)
    {
        WriteString(o, 1, name);
        WriteMessage(o, 2, t => WriteMessage(t, 1, tensor =>
        {
            WriteInt64(tensor, 1, (long)type);
            WriteMessage(tensor, 2, shape =>
            {
                for (var i = 0; i < dims.Length; i++)
                {
                    var d = dims[i];
                    WriteMessage(shape, 1, dim =>
                    {
                        if (d >= 0)
                        {
                            WriteInt64(dim, 1, d);
                        }
                        else
                        {
                            WriteString(dim, 2, i == 0 ? "N" : $"d{i}");
                        }
                    });
                }
            });
        }));
    }

    private static void WriteInt64(CodedOutputStream o, int field, long value)
    {
        o.WriteTag(field, WireFormat.WireType.Varint);
        o.WriteInt64(value);
    }

    private static void WriteString(CodedOutputStream o, int field, string value)
    {
        o.WriteTag(field, WireFormat.WireType.LengthDelimited);
        o.WriteString(value);
    }

    private static void WriteMessage(CodedOutputStream o, int field, Action<CodedOutputStream> body)
    {
        o.WriteTag(field, WireFormat.WireType.LengthDelimited);
        o.WriteBytes(ByteString.CopyFrom(Message(body)));
    }

    private static byte[] Message(Action<CodedOutputStream> body)
    {
        using var buffer = new MemoryStream();
        using (var stream = new CodedOutputStream(buffer, leaveOpen: true))
        {
            body(stream);
        }

        return buffer.ToArray();
    }
}
