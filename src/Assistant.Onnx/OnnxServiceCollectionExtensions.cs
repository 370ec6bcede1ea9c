using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Assistant.Onnx;

public static class OnnxServiceCollectionExtensions
{
    /// <summary>Registers the one <see cref="OnnxSessionFactory"/> every ONNX consumer opens its models with (the <c>Onnx</c> section).</summary>
    public static IServiceCollection AddOnnxRuntime(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<OnnxOptions>()
            .Bind(configuration.GetSection(OnnxOptions.SectionName))
            .Validate(o => o.DeviceId >= 0, "Onnx:DeviceId must be 0 or more.");
        services.TryAddSingleton<OnnxSessionFactory>();
        return services;
    }
}
