using System.Runtime.InteropServices;

namespace Assistant.Onnx.Native;

/// <summary>One SafeHandle per ORT object kind, each released through its own slot of the API table.</summary>
internal abstract class OrtHandle : SafeHandle
{
    protected OrtHandle()
        : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    internal void Adopt(IntPtr pointer) => SetHandle(pointer);
}

internal sealed class OrtEnvHandle : OrtHandle
{
    protected override bool ReleaseHandle()
    {
        OrtApi.Instance.ReleaseEnv(handle);
        return true;
    }
}

internal sealed class OrtSessionOptionsHandle : OrtHandle
{
    protected override bool ReleaseHandle()
    {
        OrtApi.Instance.ReleaseSessionOptions(handle);
        return true;
    }
}

internal sealed class OrtSessionHandle : OrtHandle
{
    protected override bool ReleaseHandle()
    {
        OrtApi.Instance.ReleaseSession(handle);
        return true;
    }
}

internal sealed class OrtValueHandle : OrtHandle
{
    protected override bool ReleaseHandle()
    {
        OrtApi.Instance.ReleaseValue(handle);
        return true;
    }
}

internal sealed class OrtMemoryInfoHandle : OrtHandle
{
    protected override bool ReleaseHandle()
    {
        OrtApi.Instance.ReleaseMemoryInfo(handle);
        return true;
    }
}

internal sealed class OrtTypeInfoHandle : OrtHandle
{
    protected override bool ReleaseHandle()
    {
        OrtApi.Instance.ReleaseTypeInfo(handle);
        return true;
    }
}

internal sealed class OrtTensorTypeAndShapeInfoHandle : OrtHandle
{
    protected override bool ReleaseHandle()
    {
        OrtApi.Instance.ReleaseTensorTypeAndShapeInfo(handle);
        return true;
    }
}

internal sealed class OrtModelMetadataHandle : OrtHandle
{
    protected override bool ReleaseHandle()
    {
        OrtApi.Instance.ReleaseModelMetadata(handle);
        return true;
    }
}
