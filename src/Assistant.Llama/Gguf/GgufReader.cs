using System.Text;

namespace Assistant.Llama.Gguf;

/// <summary>Thrown for a file that is not a usable GGUF model: the message says what is wrong and what to do.</summary>
public sealed class GgufFormatException(string message) : IOException(message);

/// <summary>
/// What a GGUF file says about itself, read without llama.cpp so that a wrong file gives a clear message
/// instead of a native failure: metadata, tensor table, and whether the data the table points at is all there.
/// </summary>
public sealed class GgufFile
{
    private GgufFile(string path, uint version, IReadOnlyDictionary<string, object> metadata, IReadOnlyList<GgufTensorInfo> tensors, long dataOffset)
    {
        Path = path;
        Version = version;
        Metadata = metadata;
        Tensors = tensors;
        DataOffset = dataOffset;
    }

    public string Path { get; }

    public uint Version { get; }

    /// <summary>Values are byte..double, bool, string, or object[] for arrays.</summary>
    public IReadOnlyDictionary<string, object> Metadata { get; }

    public IReadOnlyList<GgufTensorInfo> Tensors { get; }

    public long DataOffset { get; }

    public string? Architecture => GetString("general.architecture");

    public string? Name => GetString("general.name");

    /// <summary>"model" unless the file says otherwise (LoRA adapters say "adapter").</summary>
    public string FileType => GetString("general.type") ?? "model";

    public string? ChatTemplate => GetString("tokenizer.chat_template");

    public long? ContextLength => Architecture is { } arch ? GetInteger($"{arch}.context_length") : null;

    public long? EmbeddingLength => Architecture is { } arch ? GetInteger($"{arch}.embedding_length") : null;

    public string? GetString(string key) => Metadata.TryGetValue(key, out var v) ? v as string : null;

    public long? GetInteger(string key) => Metadata.TryGetValue(key, out var v) ? v switch
    {
        byte b => b,
        sbyte sb => sb,
        ushort us => us,
        short s => s,
        uint ui => ui,
        int i => i,
        ulong ul => (long)ul,
        long l => l,
        _ => null,
    } : null;

    public double? GetFloat(string key) => Metadata.TryGetValue(key, out var v) ? v switch
    {
        float f => f,
        double d => d,
        _ => null,
    } : null;

    /// <summary>Reads the header, metadata and tensor table, and checks the tensor data lies inside the file.</summary>
    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    /// <exception cref="GgufFormatException">Not a GGUF file, an unsupported version, or truncated.</exception>
    public static GgufFile Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"No model file at {path}. Check the path in appsettings.json, or run `assistant make-test-model` for a small test model.", path);
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var length = stream.Length;
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        var name = System.IO.Path.GetFileName(path);
        try
        {
            if (length < 24 || reader.ReadUInt32() != GgufFormat.Magic)
            {
                throw new GgufFormatException($"{name} is not a GGUF file (it does not start with 'GGUF'). Use a llama.cpp model in GGUF format.");
            }

            var version = reader.ReadUInt32();
            if (version is < 2 or > 3)
            {
                throw new GgufFormatException($"{name} is GGUF version {version}; this llama.cpp reads versions 2 and 3. Convert the model again with a current llama.cpp.");
            }

            var tensorCount = reader.ReadUInt64();
            var kvCount = reader.ReadUInt64();
            // Every entry takes at least 8 bytes: counts beyond the file's size mean a damaged header.
            if (tensorCount > (ulong)length / 8 || kvCount > (ulong)length / 8)
            {
                throw Truncated(name);
            }

            var metadata = new Dictionary<string, object>(StringComparer.Ordinal);
            for (ulong i = 0; i < kvCount; i++)
            {
                var key = ReadString(reader, length);
                var type = (GgufValueType)reader.ReadUInt32();
                metadata[key] = ReadValue(reader, type, length);
            }

            var tensors = new List<GgufTensorInfo>((int)tensorCount);
            for (ulong i = 0; i < tensorCount; i++)
            {
                var tensorName = ReadString(reader, length);
                var dimCount = reader.ReadUInt32();
                if (dimCount > 8)
                {
                    throw new GgufFormatException($"{name}: tensor {tensorName} claims {dimCount} dimensions; the file is damaged.");
                }

                var dims = new long[dimCount];
                for (var d = 0; d < dimCount; d++)
                {
                    dims[d] = (long)reader.ReadUInt64();
                }

                var type = (GgmlType)reader.ReadUInt32();
                var offset = (long)reader.ReadUInt64();
                tensors.Add(new GgufTensorInfo(tensorName, dims, type, offset));
            }

            var alignment = metadata.TryGetValue("general.alignment", out var a) && a is uint au && au > 0 ? (int)au : GgufFormat.DefaultAlignment;
            var dataOffset = GgufFormat.Align(stream.Position, alignment);
            foreach (var tensor in tensors)
            {
                var size = GgufFormat.DataSize(tensor.Type, tensor.ElementCount) ?? 0;
                if (dataOffset + tensor.Offset + size > length)
                {
                    throw new GgufFormatException(
                        $"{name} is truncated: tensor {tensor.Name} needs bytes up to {dataOffset + tensor.Offset + size:N0} but the file has {length:N0}. Copy or download the file again.");
                }
            }

            return new GgufFile(path, version, metadata, tensors, dataOffset);
        }
        catch (EndOfStreamException)
        {
            throw Truncated(name);
        }
    }

    private static GgufFormatException Truncated(string name) =>
        new($"{name} is truncated or damaged: its header ends before the file says it should. Copy or download the file again.");

    private static string ReadString(BinaryReader reader, long fileLength)
    {
        var byteCount = reader.ReadUInt64();
        if (byteCount > (ulong)(fileLength - reader.BaseStream.Position))
        {
            throw new EndOfStreamException();
        }

        return Encoding.UTF8.GetString(reader.ReadBytes((int)byteCount));
    }

    private static object ReadValue(BinaryReader reader, GgufValueType type, long fileLength) => type switch
    {
        GgufValueType.UInt8 => reader.ReadByte(),
        GgufValueType.Int8 => reader.ReadSByte(),
        GgufValueType.UInt16 => reader.ReadUInt16(),
        GgufValueType.Int16 => reader.ReadInt16(),
        GgufValueType.UInt32 => reader.ReadUInt32(),
        GgufValueType.Int32 => reader.ReadInt32(),
        GgufValueType.Float32 => reader.ReadSingle(),
        GgufValueType.Bool => reader.ReadByte() != 0,
        GgufValueType.String => ReadString(reader, fileLength),
        GgufValueType.UInt64 => reader.ReadUInt64(),
        GgufValueType.Int64 => reader.ReadInt64(),
        GgufValueType.Float64 => reader.ReadDouble(),
        GgufValueType.Array => ReadArray(reader, fileLength),
        _ => throw new GgufFormatException($"unknown metadata value type {(uint)type}; the file is damaged or from a newer format."),
    };

    private static object[] ReadArray(BinaryReader reader, long fileLength)
    {
        var elementType = (GgufValueType)reader.ReadUInt32();
        var count = reader.ReadUInt64();
        if (count > (ulong)(fileLength - reader.BaseStream.Position))
        {
            throw new EndOfStreamException();
        }

        var values = new object[count];
        for (ulong i = 0; i < count; i++)
        {
            values[i] = ReadValue(reader, elementType, fileLength);
        }

        return values;
    }
}
