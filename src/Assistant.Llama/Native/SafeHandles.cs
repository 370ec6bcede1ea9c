using System.Runtime.InteropServices;

namespace Assistant.Llama.Native;

/// <summary>A native object that must not outlive its parent (a context or adapter needs its model).</summary>
internal abstract class SafeLlamaChildHandle : SafeHandle
{
    private SafeHandle? _parent;

    protected SafeLlamaChildHandle() : base(nint.Zero, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == nint.Zero;

    /// <summary>Takes ownership of <paramref name="native"/> and keeps <paramref name="parent"/> alive until this is released.</summary>
    protected void Attach(nint native, SafeHandle? parent)
    {
        if (parent is not null)
        {
            var added = false;
            parent.DangerousAddRef(ref added);
            _parent = parent;
        }

        SetHandle(native);
    }

    protected abstract void Free(nint native);

    protected sealed override bool ReleaseHandle()
    {
        Free(handle);
        _parent?.DangerousRelease();
        _parent = null;
        return true;
    }
}

internal sealed class SafeLlamaModelHandle : SafeLlamaChildHandle
{
    public SafeLlamaModelHandle()
    {
    }

    /// <returns>The loaded model, or null when llama.cpp refused the file (its reason went to the log).</returns>
    public static SafeLlamaModelHandle? Load(string path, LlamaModelParams parameters)
    {
        var native = LlamaNative.llama_model_load_from_file(path, parameters);
        if (native == nint.Zero)
        {
            return null;
        }

        var model = new SafeLlamaModelHandle();
        model.Attach(native, parent: null);
        return model;
    }

    protected override void Free(nint native) => LlamaNative.llama_model_free(native);
}

internal sealed class SafeLlamaContextHandle : SafeLlamaChildHandle
{
    public SafeLlamaContextHandle()
    {
    }

    public static SafeLlamaContextHandle? Create(SafeLlamaModelHandle model, LlamaContextParams parameters)
    {
        var native = LlamaNative.llama_init_from_model(model, parameters);
        if (native == nint.Zero)
        {
            return null;
        }

        var context = new SafeLlamaContextHandle();
        context.Attach(native, model);
        return context;
    }

    protected override void Free(nint native) => LlamaNative.llama_free(native);
}

/// <summary>A sampler chain; the samplers added to it are owned (and freed) by the chain.</summary>
internal sealed class SafeLlamaSamplerHandle : SafeLlamaChildHandle
{
    public SafeLlamaSamplerHandle()
    {
    }

    public static SafeLlamaSamplerHandle CreateChain()
    {
        var native = LlamaNative.llama_sampler_chain_init(new LlamaSamplerChainParams { NoPerf = 1 });
        if (native == nint.Zero)
        {
            throw new InvalidOperationException("llama.cpp could not create a sampler chain.");
        }

        var chain = new SafeLlamaSamplerHandle();
        chain.Attach(native, parent: null);
        return chain;
    }

    /// <summary>Adds a sampler made by one of the <c>llama_sampler_init_*</c> functions; the chain owns it from now on.</summary>
    public void Add(nint sampler, string what)
    {
        if (sampler == nint.Zero)
        {
            throw new InvalidOperationException($"llama.cpp could not create the {what} sampler.");
        }

        LlamaNative.llama_sampler_chain_add(this, sampler);
    }

    protected override void Free(nint native) => LlamaNative.llama_sampler_free(native);
}

internal sealed class SafeLlamaAdapterHandle : SafeLlamaChildHandle
{
    public SafeLlamaAdapterHandle()
    {
    }

    public static SafeLlamaAdapterHandle? Load(SafeLlamaModelHandle model, string path)
    {
        var native = LlamaNative.llama_adapter_lora_init(model, path);
        if (native == nint.Zero)
        {
            return null;
        }

        var adapter = new SafeLlamaAdapterHandle();
        adapter.Attach(native, model);
        return adapter;
    }

    protected override void Free(nint native) => LlamaNative.llama_adapter_lora_free(native);
}
