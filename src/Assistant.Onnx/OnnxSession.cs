using System.Buffers;
using System.Runtime.InteropServices;
using Assistant.Onnx.Native;

namespace Assistant.Onnx;

/// <summary>
/// One loaded ONNX model. Inputs and outputs are read from the model by name, type and shape; <see cref="Run"/>
/// checks what it is given against them before the runtime sees it, so a mistake is named in plain words.
/// Safe to call from several threads at once (ORT sessions are).
/// </summary>
public sealed unsafe class OnnxSession : IDisposable
{
    private readonly OrtSessionHandle _session;
    private readonly OrtMemoryInfoHandle _memoryInfo;
    private readonly Dictionary<string, int> _inputIndex;
    private readonly Dictionary<string, int> _outputIndex;
    private readonly IntPtr[] _inputNamePointers;
    private readonly IntPtr[] _outputNamePointers;
    private readonly Dictionary<string, string> _metadata = new(StringComparer.Ordinal);
    private int _disposed;

    private OnnxSession(OrtSessionHandle session, string source)
    {
        var api = OrtApi.Instance;
        _session = session;
        Source = source;
        _memoryInfo = api.CreateCpuMemoryInfo();
        Inputs = ReadNodes(api, session, api.SessionGetInputCount(session), api.SessionGetInputName, api.SessionGetInputTypeInfo);
        Outputs = ReadNodes(api, session, api.SessionGetOutputCount(session), api.SessionGetOutputName, api.SessionGetOutputTypeInfo);
        _inputIndex = Inputs.Select((n, i) => (n.Name, i)).ToDictionary(p => p.Name, p => p.i, StringComparer.Ordinal);
        _outputIndex = Outputs.Select((n, i) => (n.Name, i)).ToDictionary(p => p.Name, p => p.i, StringComparer.Ordinal);
        _inputNamePointers = Inputs.Select(n => Marshal.StringToCoTaskMemUTF8(n.Name)).ToArray();
        _outputNamePointers = Outputs.Select(n => Marshal.StringToCoTaskMemUTF8(n.Name)).ToArray();
    }

    /// <summary>The file path, or "memory" for a model given as bytes.</summary>
    public string Source { get; }

    public IReadOnlyList<OnnxNodeInfo> Inputs { get; }

    public IReadOnlyList<OnnxNodeInfo> Outputs { get; }

    public static OnnxSession Load(string path, OnnxSessionOptions? options = null)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The model file '{path}' does not exist.", path);
        }

        var full = Path.GetFullPath(path);
        return Create(options, (api, env, opts) => api.CreateSession(env, full, opts), full);
    }

    public static OnnxSession FromBytes(ReadOnlySpan<byte> model, OnnxSessionOptions? options = null)
    {
        if (model.IsEmpty)
        {
            throw new ArgumentException("The model is empty.", nameof(model));
        }

        var copy = model.ToArray();
        return Create(options, (api, env, opts) => api.CreateSessionFromArray(env, copy, opts), "memory");
    }

    private static OnnxSession Create(OnnxSessionOptions? options, Func<OrtApi, OrtEnvHandle, OrtSessionOptionsHandle, OrtSessionHandle> open, string source)
    {
        options ??= OnnxSessionOptions.Default;
        if (options.IntraOpThreads < 0)
        {
            throw new ArgumentException($"IntraOpThreads must be 0 (ORT decides) or more, not {options.IntraOpThreads}.", nameof(options));
        }

        var api = OrtApi.Instance;
        using var sessionOptions = api.CreateSessionOptions();
        api.SetIntraOpNumThreads(sessionOptions, options.IntraOpThreads);
        api.SetInterOpNumThreads(sessionOptions, 1);
        api.SetGraphOptimizationLevel(sessionOptions, options.GraphOptimizationLevel);
        var session = open(api, OnnxRuntime.Environment, sessionOptions);
        try
        {
            return new OnnxSession(session, source);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>A <c>metadata_props</c> entry of the model, or null.</summary>
    public string? GetMetadata(string key)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        lock (_metadata)
        {
            if (_metadata.TryGetValue(key, out var cached))
            {
                return cached;
            }

            using var metadata = OrtApi.Instance.SessionGetModelMetadata(_session);
            var value = OrtApi.Instance.LookupCustomMetadata(metadata, key);
            if (value is not null)
            {
                _metadata[key] = value;
            }

            return value;
        }
    }

    public OnnxNodeInfo? FindInput(string name) => _inputIndex.TryGetValue(name, out var i) ? Inputs[i] : null;

    public OnnxNodeInfo? FindOutput(string name) => _outputIndex.TryGetValue(name, out var i) ? Outputs[i] : null;

    /// <summary>Runs a model with exactly one input.</summary>
    public IReadOnlyDictionary<string, OnnxTensor> Run(OnnxTensor input, IReadOnlyList<string>? outputNames = null)
    {
        if (Inputs.Count != 1)
        {
            throw new ArgumentException($"This model takes {Inputs.Count} inputs ({string.Join(", ", Inputs)}); name each one.");
        }

        return Run(new Dictionary<string, OnnxTensor> { [Inputs[0].Name] = input }, outputNames);
    }

    /// <summary>
    /// Runs the model. Every input must be given, by name; <paramref name="outputNames"/> picks outputs (all when null).
    /// </summary>
    public IReadOnlyDictionary<string, OnnxTensor> Run(IReadOnlyDictionary<string, OnnxTensor> inputs, IReadOnlyList<string>? outputNames = null)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        ArgumentNullException.ThrowIfNull(inputs);
        ValidateInputs(inputs);
        var outputIndexes = ResolveOutputs(outputNames);

        var api = OrtApi.Instance;
        var inputCount = Inputs.Count;
        var pins = new MemoryHandle[inputCount];
        var values = new OrtValueHandle?[inputCount];
        var namePtrs = stackalloc IntPtr[inputCount];
        var valuePtrs = stackalloc IntPtr[inputCount];
        var outputNamePtrs = stackalloc IntPtr[outputIndexes.Length];
        // Run treats any non-null entry as a pre-allocated output: start from zeros.
        var outputPtrs = stackalloc IntPtr[outputIndexes.Length];
        for (var i = 0; i < outputIndexes.Length; i++)
        {
            outputNamePtrs[i] = _outputNamePointers[outputIndexes[i]];
            outputPtrs[i] = IntPtr.Zero;
        }

        var addedRef = false;
        try
        {
            for (var i = 0; i < inputCount; i++)
            {
                var tensor = inputs[Inputs[i].Name];
                var elementSize = tensor.ElementType == OnnxElementType.Float ? sizeof(float) : sizeof(long);
                pins[i] = tensor.Data switch
                {
                    float[] f => new Memory<float>(f).Pin(),
                    long[] l => new Memory<long>(l).Pin(),
                    _ => throw new InvalidOperationException("Only float and int64 tensors are supported."),
                };
                values[i] = api.CreateTensorWithData(_memoryInfo, pins[i].Pointer, (long)tensor.Length * elementSize, tensor.Shape.ToArray(), tensor.ElementType);
                namePtrs[i] = _inputNamePointers[i];
                valuePtrs[i] = values[i]!.DangerousGetHandle();
            }

            _session.DangerousAddRef(ref addedRef);
            api.Run(_session, namePtrs, valuePtrs, inputCount, outputNamePtrs, outputIndexes.Length, outputPtrs);

            var results = new Dictionary<string, OnnxTensor>(outputIndexes.Length, StringComparer.Ordinal);
            for (var i = 0; i < outputIndexes.Length; i++)
            {
                using var output = new OrtValueHandle();
                output.Adopt(outputPtrs[i]);
                outputPtrs[i] = IntPtr.Zero;
                results[Outputs[outputIndexes[i]].Name] = CopyOut(api, output, Outputs[outputIndexes[i]].Name);
            }

            return results;
        }
        finally
        {
            for (var i = 0; i < outputIndexes.Length; i++)
            {
                if (outputPtrs[i] != IntPtr.Zero)
                {
                    api.ReleaseValue(outputPtrs[i]);
                }
            }

            if (addedRef)
            {
                _session.DangerousRelease();
            }

            foreach (var value in values)
            {
                value?.Dispose();
            }

            foreach (var pin in pins)
            {
                pin.Dispose();
            }
        }
    }

    private void ValidateInputs(IReadOnlyDictionary<string, OnnxTensor> inputs)
    {
        var problems = new List<string>();
        foreach (var name in inputs.Keys.Where(n => !_inputIndex.ContainsKey(n)))
        {
            problems.Add($"'{name}' is not an input of this model");
        }

        foreach (var node in Inputs)
        {
            if (!inputs.TryGetValue(node.Name, out var tensor))
            {
                problems.Add($"input '{node.Name}' ({node}) is missing");
                continue;
            }

            if (node.Kind != OnnxValueKind.Tensor)
            {
                problems.Add($"input '{node.Name}' is a {node.Kind}; only tensor inputs are supported");
                continue;
            }

            if (tensor.ElementType != node.ElementType)
            {
                problems.Add($"input '{node.Name}' takes {node.ElementType} values, not {tensor.ElementType}");
            }

            if (tensor.Shape.Count != node.Shape.Count)
            {
                problems.Add($"input '{node.Name}' takes a {node.Shape.Count}-D tensor ({node}), not {tensor.Shape.Count}-D {tensor}");
                continue;
            }

            for (var d = 0; d < node.Shape.Count; d++)
            {
                if (node.Shape[d] >= 0 && node.Shape[d] != tensor.Shape[d])
                {
                    problems.Add($"input '{node.Name}' needs size {node.Shape[d]} in dimension {d} ({node}), not {tensor.Shape[d]}");
                }
            }
        }

        if (problems.Count > 0)
        {
            throw new OnnxRuntimeException($"The inputs do not fit the model {Source}: {string.Join("; ", problems)}.", OrtErrorCode.InvalidArgument);
        }
    }

    private int[] ResolveOutputs(IReadOnlyList<string>? outputNames)
    {
        if (outputNames is null)
        {
            return Enumerable.Range(0, Outputs.Count).ToArray();
        }

        var indexes = new int[outputNames.Count];
        for (var i = 0; i < outputNames.Count; i++)
        {
            if (!_outputIndex.TryGetValue(outputNames[i], out indexes[i]))
            {
                throw new OnnxRuntimeException(
                    $"'{outputNames[i]}' is not an output of the model {Source}; it has {string.Join(", ", Outputs)}.", OrtErrorCode.InvalidArgument);
            }

            if (Outputs[indexes[i]].Kind != OnnxValueKind.Tensor)
            {
                throw new OnnxRuntimeException(
                    $"Output '{outputNames[i]}' is a {Outputs[indexes[i]].Kind}; only tensor outputs are read (export classifiers without ZipMap).", OrtErrorCode.NotImplemented);
            }
        }

        return indexes;
    }

    private static OnnxTensor CopyOut(OrtApi api, OrtValueHandle value, string name)
    {
        if (api.GetValueType(value) != OnnxValueKind.Tensor)
        {
            throw new OnnxRuntimeException($"Output '{name}' is not a tensor; only tensor outputs are read (export classifiers without ZipMap).", OrtErrorCode.NotImplemented);
        }

        using var info = api.GetTensorTypeAndShape(value);
        var type = api.GetTensorElementType(info.DangerousGetHandle());
        var shape = api.GetDimensions(info.DangerousGetHandle());
        var count = checked((int)shape.Aggregate(1L, (a, d) => a * d));
        var data = api.GetTensorMutableData(value);
        switch (type)
        {
            case OnnxElementType.Float:
                return OnnxTensor.FromFloats(new ReadOnlySpan<float>(data, count).ToArray(), shape);
            case OnnxElementType.Int64:
                return OnnxTensor.FromInt64(new ReadOnlySpan<long>(data, count).ToArray(), shape);
            default:
                throw new OnnxRuntimeException($"Output '{name}' holds {type} values; only float and int64 outputs are read.", OrtErrorCode.NotImplemented);
        }
    }

    private static IReadOnlyList<OnnxNodeInfo> ReadNodes(
        OrtApi api, OrtSessionHandle session, int count, Func<OrtSessionHandle, int, string> name, Func<OrtSessionHandle, int, OrtTypeInfoHandle> typeInfo)
    {
        var nodes = new OnnxNodeInfo[count];
        for (var i = 0; i < count; i++)
        {
            using var info = typeInfo(session, i);
            var kind = api.GetOnnxTypeFromTypeInfo(info);
            var tensorInfo = kind == OnnxValueKind.Tensor ? api.CastTypeInfoToTensorInfo(info) : IntPtr.Zero;
            nodes[i] = tensorInfo == IntPtr.Zero
                ? new OnnxNodeInfo(name(session, i), kind, OnnxElementType.Undefined, [])
                : new OnnxNodeInfo(name(session, i), kind, api.GetTensorElementType(tensorInfo), api.GetDimensions(tensorInfo));
        }

        return nodes;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _session.Dispose();
        _memoryInfo.Dispose();
        foreach (var p in _inputNamePointers.Concat(_outputNamePointers))
        {
            Marshal.FreeCoTaskMem(p);
        }
    }
}
