using System.Runtime.InteropServices;

namespace Assistant.Onnx.Native;

/// <summary>
/// ONNX Runtime's C API version 30 (ORT 1.30), called through its function table. Slot numbers are the
/// positions of the functions in <c>struct OrtApi</c>; the table only ever grows, so they hold for every 1.x after 1.14.
/// </summary>
internal sealed unsafe partial class OrtApi
{
    public const uint ApiVersion = 30;

    private static readonly Lazy<OrtApi> Shared = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly IntPtr* _table;

    private OrtApi(IntPtr* table, string version)
    {
        _table = table;
        Version = version;
    }

    public static OrtApi Instance => Shared.Value;

    /// <summary>The runtime's own version string, e.g. <c>1.30.0</c>.</summary>
    public string Version { get; }

    [LibraryImport(OrtLibrary.Name)]
    private static partial IntPtr OrtGetApiBase();

    private static OrtApi Load()
    {
        OrtLibrary.EnsureResolver();
        IntPtr apiBase;
        try
        {
            apiBase = OrtGetApiBase();
        }
        catch (DllNotFoundException ex)
        {
            throw new OnnxRuntimeException(
                "ONNX Runtime (libonnxruntime.so.1) was not found beside the program. Build the project once with network " +
                $"access to npm so eng/fetch-npm.sh can fetch onnxruntime-node@1.30.0, or set {OrtLibrary.PathVariable} to the file.",
                ex);
        }

        // struct OrtApiBase { const OrtApi* (*GetApi)(uint32_t); const char* (*GetVersionString)(void); }
        var functions = (IntPtr*)apiBase;
        var getApi = (delegate* unmanaged[Cdecl]<uint, IntPtr*>)functions[0];
        var getVersion = (delegate* unmanaged[Cdecl]<byte*>)functions[1];
        var version = Marshal.PtrToStringUTF8((IntPtr)getVersion()) ?? "?";
        var table = getApi(ApiVersion);
        if (table is null)
        {
            throw new OnnxRuntimeException(
                $"The ONNX Runtime library found is version {version}, which does not offer API version {ApiVersion}. Use ORT 1.30 or newer.");
        }

        return new OrtApi(table, version);
    }

    private IntPtr Slot(int index) => _table[index];

    /// <summary>Turns a returned OrtStatus into an exception carrying ORT's code and message, and frees it.</summary>
    public void Check(IntPtr status, string doing)
    {
        if (status == IntPtr.Zero)
        {
            return;
        }

        var code = ((delegate* unmanaged[Cdecl]<IntPtr, int>)Slot(1))(status);
        var message = Marshal.PtrToStringUTF8(((delegate* unmanaged[Cdecl]<IntPtr, IntPtr>)Slot(2))(status)) ?? "";
        ((delegate* unmanaged[Cdecl]<IntPtr, void>)Slot(93))(status);
        throw new OnnxRuntimeException($"{doing} failed: {message}", (OrtErrorCode)code);
    }

    // ---- environment and session options ----

    public OrtEnvHandle CreateEnv(int logSeverity, string logId)
    {
        var handle = new OrtEnvHandle();
        IntPtr env;
        fixed (byte* id = Utf8(logId))
        {
            Check(((delegate* unmanaged[Cdecl]<int, byte*, IntPtr*, IntPtr>)Slot(3))(logSeverity, id, &env), "Creating the ONNX Runtime environment");
        }

        handle.Adopt(env);
        return handle;
    }

    public OrtSessionOptionsHandle CreateSessionOptions()
    {
        var handle = new OrtSessionOptionsHandle();
        IntPtr options;
        Check(((delegate* unmanaged[Cdecl]<IntPtr*, IntPtr>)Slot(10))(&options), "Creating session options");
        handle.Adopt(options);
        return handle;
    }

    public void SetGraphOptimizationLevel(OrtSessionOptionsHandle options, int level) =>
        Check(((delegate* unmanaged[Cdecl]<IntPtr, int, IntPtr>)Slot(23))(options.DangerousGetHandle(), level), "Setting the graph optimisation level");

    public void SetIntraOpNumThreads(OrtSessionOptionsHandle options, int threads) =>
        Check(((delegate* unmanaged[Cdecl]<IntPtr, int, IntPtr>)Slot(24))(options.DangerousGetHandle(), threads), "Setting the intra-op thread count");

    public void SetInterOpNumThreads(OrtSessionOptionsHandle options, int threads) =>
        Check(((delegate* unmanaged[Cdecl]<IntPtr, int, IntPtr>)Slot(25))(options.DangerousGetHandle(), threads), "Setting the inter-op thread count");

    // ---- sessions ----

    public OrtSessionHandle CreateSession(OrtEnvHandle env, string path, OrtSessionOptionsHandle options)
    {
        var handle = new OrtSessionHandle();
        IntPtr session;
        fixed (byte* p = Utf8(path))
        {
            Check(((delegate* unmanaged[Cdecl]<IntPtr, byte*, IntPtr, IntPtr*, IntPtr>)Slot(7))(
                env.DangerousGetHandle(), p, options.DangerousGetHandle(), &session), $"Loading the model '{path}'");
        }

        handle.Adopt(session);
        return handle;
    }

    public OrtSessionHandle CreateSessionFromArray(OrtEnvHandle env, ReadOnlySpan<byte> model, OrtSessionOptionsHandle options)
    {
        var handle = new OrtSessionHandle();
        IntPtr session;
        fixed (byte* p = model)
        {
            Check(((delegate* unmanaged[Cdecl]<IntPtr, byte*, nuint, IntPtr, IntPtr*, IntPtr>)Slot(8))(
                env.DangerousGetHandle(), p, (nuint)model.Length, options.DangerousGetHandle(), &session), "Loading the model from memory");
        }

        handle.Adopt(session);
        return handle;
    }

    public void Run(OrtSessionHandle session, IntPtr* inputNames, IntPtr* inputs, int inputCount, IntPtr* outputNames, int outputCount, IntPtr* outputs) =>
        Check(((delegate* unmanaged[Cdecl]<IntPtr, IntPtr, IntPtr*, IntPtr*, nuint, IntPtr*, nuint, IntPtr*, IntPtr>)Slot(9))(
            session.DangerousGetHandle(), IntPtr.Zero, inputNames, inputs, (nuint)inputCount, outputNames, (nuint)outputCount, outputs), "Running the model");

    public int SessionGetInputCount(OrtSessionHandle session)
    {
        nuint count;
        Check(((delegate* unmanaged[Cdecl]<IntPtr, nuint*, IntPtr>)Slot(30))(session.DangerousGetHandle(), &count), "Reading the input count");
        return checked((int)count);
    }

    public int SessionGetOutputCount(OrtSessionHandle session)
    {
        nuint count;
        Check(((delegate* unmanaged[Cdecl]<IntPtr, nuint*, IntPtr>)Slot(31))(session.DangerousGetHandle(), &count), "Reading the output count");
        return checked((int)count);
    }

    public OrtTypeInfoHandle SessionGetInputTypeInfo(OrtSessionHandle session, int index) => GetTypeInfo(session, index, 33, "input");

    public OrtTypeInfoHandle SessionGetOutputTypeInfo(OrtSessionHandle session, int index) => GetTypeInfo(session, index, 34, "output");

    private OrtTypeInfoHandle GetTypeInfo(OrtSessionHandle session, int index, int slot, string what)
    {
        var handle = new OrtTypeInfoHandle();
        IntPtr info;
        Check(((delegate* unmanaged[Cdecl]<IntPtr, nuint, IntPtr*, IntPtr>)Slot(slot))(session.DangerousGetHandle(), (nuint)index, &info), $"Reading the type of {what} {index}");
        handle.Adopt(info);
        return handle;
    }

    public string SessionGetInputName(OrtSessionHandle session, int index) => GetName(session, index, 36, "input");

    public string SessionGetOutputName(OrtSessionHandle session, int index) => GetName(session, index, 37, "output");

    private string GetName(OrtSessionHandle session, int index, int slot, string what)
    {
        var allocator = GetAllocatorWithDefaultOptions();
        IntPtr name;
        Check(((delegate* unmanaged[Cdecl]<IntPtr, nuint, IntPtr, IntPtr*, IntPtr>)Slot(slot))(session.DangerousGetHandle(), (nuint)index, allocator, &name), $"Reading the name of {what} {index}");
        try
        {
            return Marshal.PtrToStringUTF8(name) ?? "";
        }
        finally
        {
            AllocatorFree(allocator, name);
        }
    }

    public OrtModelMetadataHandle SessionGetModelMetadata(OrtSessionHandle session)
    {
        var handle = new OrtModelMetadataHandle();
        IntPtr metadata;
        Check(((delegate* unmanaged[Cdecl]<IntPtr, IntPtr*, IntPtr>)Slot(111))(session.DangerousGetHandle(), &metadata), "Reading the model metadata");
        handle.Adopt(metadata);
        return handle;
    }

    /// <summary>A <c>metadata_props</c> value of the model, or null when the key is absent.</summary>
    public string? LookupCustomMetadata(OrtModelMetadataHandle metadata, string key)
    {
        var allocator = GetAllocatorWithDefaultOptions();
        IntPtr value;
        fixed (byte* k = Utf8(key))
        {
            Check(((delegate* unmanaged[Cdecl]<IntPtr, IntPtr, byte*, IntPtr*, IntPtr>)Slot(116))(metadata.DangerousGetHandle(), allocator, k, &value), $"Reading metadata '{key}'");
        }

        if (value == IntPtr.Zero)
        {
            return null;
        }

        try
        {
            return Marshal.PtrToStringUTF8(value);
        }
        finally
        {
            AllocatorFree(allocator, value);
        }
    }

    // ---- type information ----

    /// <summary>The tensor part of a type info (owned by it: do not release), or zero when the value is not a tensor.</summary>
    public IntPtr CastTypeInfoToTensorInfo(OrtTypeInfoHandle typeInfo)
    {
        IntPtr tensorInfo;
        Check(((delegate* unmanaged[Cdecl]<IntPtr, IntPtr*, IntPtr>)Slot(55))(typeInfo.DangerousGetHandle(), &tensorInfo), "Reading tensor type information");
        return tensorInfo;
    }

    public OnnxValueKind GetOnnxTypeFromTypeInfo(OrtTypeInfoHandle typeInfo)
    {
        int kind;
        Check(((delegate* unmanaged[Cdecl]<IntPtr, int*, IntPtr>)Slot(56))(typeInfo.DangerousGetHandle(), &kind), "Reading the value kind");
        return (OnnxValueKind)kind;
    }

    public OnnxElementType GetTensorElementType(IntPtr tensorInfo)
    {
        int type;
        Check(((delegate* unmanaged[Cdecl]<IntPtr, int*, IntPtr>)Slot(60))(tensorInfo, &type), "Reading the element type");
        return (OnnxElementType)type;
    }

    public long[] GetDimensions(IntPtr tensorInfo)
    {
        nuint count;
        Check(((delegate* unmanaged[Cdecl]<IntPtr, nuint*, IntPtr>)Slot(61))(tensorInfo, &count), "Reading the dimension count");
        var dims = new long[(int)count];
        fixed (long* d = dims)
        {
            Check(((delegate* unmanaged[Cdecl]<IntPtr, long*, nuint, IntPtr>)Slot(62))(tensorInfo, d, count), "Reading the dimensions");
        }

        return dims;
    }

    // ---- values ----

    public OrtMemoryInfoHandle CreateCpuMemoryInfo()
    {
        var handle = new OrtMemoryInfoHandle();
        IntPtr info;
        // OrtArenaAllocator = 1, OrtMemTypeDefault = 0
        Check(((delegate* unmanaged[Cdecl]<int, int, IntPtr*, IntPtr>)Slot(69))(1, 0, &info), "Creating CPU memory info");
        handle.Adopt(info);
        return handle;
    }

    /// <summary>Wraps caller-owned memory as a tensor: ORT does not copy, so the buffer must stay pinned until the value is released.</summary>
    public OrtValueHandle CreateTensorWithData(OrtMemoryInfoHandle memoryInfo, void* data, long byteLength, ReadOnlySpan<long> shape, OnnxElementType type)
    {
        var handle = new OrtValueHandle();
        IntPtr value;
        fixed (long* s = shape)
        {
            Check(((delegate* unmanaged[Cdecl]<IntPtr, void*, nuint, long*, nuint, int, IntPtr*, IntPtr>)Slot(49))(
                memoryInfo.DangerousGetHandle(), data, (nuint)byteLength, s, (nuint)shape.Length, (int)type, &value), "Creating an input tensor");
        }

        handle.Adopt(value);
        return handle;
    }

    public void* GetTensorMutableData(OrtValueHandle value)
    {
        void* data;
        Check(((delegate* unmanaged[Cdecl]<IntPtr, void**, IntPtr>)Slot(51))(value.DangerousGetHandle(), &data), "Reading tensor data");
        return data;
    }

    public OrtTensorTypeAndShapeInfoHandle GetTensorTypeAndShape(OrtValueHandle value)
    {
        var handle = new OrtTensorTypeAndShapeInfoHandle();
        IntPtr info;
        Check(((delegate* unmanaged[Cdecl]<IntPtr, IntPtr*, IntPtr>)Slot(65))(value.DangerousGetHandle(), &info), "Reading a tensor's type and shape");
        handle.Adopt(info);
        return handle;
    }

    public OnnxValueKind GetValueType(OrtValueHandle value)
    {
        int kind;
        Check(((delegate* unmanaged[Cdecl]<IntPtr, int*, IntPtr>)Slot(67))(value.DangerousGetHandle(), &kind), "Reading a value's kind");
        return (OnnxValueKind)kind;
    }

    // ---- allocator ----

    public IntPtr GetAllocatorWithDefaultOptions()
    {
        IntPtr allocator;
        Check(((delegate* unmanaged[Cdecl]<IntPtr*, IntPtr>)Slot(78))(&allocator), "Getting the default allocator");
        return allocator;
    }

    public void AllocatorFree(IntPtr allocator, IntPtr pointer) =>
        Check(((delegate* unmanaged[Cdecl]<IntPtr, IntPtr, IntPtr>)Slot(76))(allocator, pointer), "Freeing ORT memory");

    // ---- release ----

    public void ReleaseEnv(IntPtr p) => Release(92, p);

    public void ReleaseMemoryInfo(IntPtr p) => Release(94, p);

    public void ReleaseSession(IntPtr p) => Release(95, p);

    public void ReleaseValue(IntPtr p) => Release(96, p);

    public void ReleaseTypeInfo(IntPtr p) => Release(98, p);

    public void ReleaseTensorTypeAndShapeInfo(IntPtr p) => Release(99, p);

    public void ReleaseSessionOptions(IntPtr p) => Release(100, p);

    public void ReleaseModelMetadata(IntPtr p) => Release(118, p);

    private void Release(int slot, IntPtr pointer) => ((delegate* unmanaged[Cdecl]<IntPtr, void>)Slot(slot))(pointer);

    private static byte[] Utf8(string text)
    {
        var bytes = new byte[System.Text.Encoding.UTF8.GetByteCount(text) + 1];
        System.Text.Encoding.UTF8.GetBytes(text, bytes);
        return bytes;
    }
}
