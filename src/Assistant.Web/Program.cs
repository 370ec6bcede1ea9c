using Assistant.Core;
using Assistant.Core.Answering;
using Assistant.Knowledge;
using Assistant.Llama;
using Assistant.Tools.Classifiers;
using Assistant.Tools.Processes;
using Assistant.Web;
using Assistant.Web.Api;
using Assistant.Web.Chat;
using Assistant.Web.Components;
using Assistant.Web.Security;
using Assistant.Web.Storage;
using Microsoft.Extensions.Options;

var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = args,
    ContentRootPath = AssistantPaths.FindContentRoot(),
    // The UI's static files are copied beside the program at build time (see Assistant.Web.csproj).
    WebRootPath = Path.Combine(AppContext.BaseDirectory, "wwwroot"),
});

builder.Services
    .AddKnowledge(builder.Configuration)
    .AddLlama(builder.Configuration)
    .AddFaultClassifiers(builder.Configuration)
    .AddProcessOptimizer(builder.Configuration)
    .AddAnswering(builder.Configuration);

builder.Services.AddOptions<AskLimits>().Bind(builder.Configuration.GetSection("Assistant:Ask"));
builder.Services.AddSingleton<AskValidator>();
builder.Services.AddOptions<StorageOptions>().Bind(builder.Configuration.GetSection("Assistant"));
builder.Services.AddSingleton(sp => new AssistantDatabase(AssistantPaths.Resolve(
    builder.Environment.ContentRootPath, sp.GetRequiredService<IOptions<StorageOptions>>().Value.DatabasePath)));
builder.Services.AddSingleton<ConversationStore>();
builder.Services.AddSingleton<AuditLog>();
builder.Services.AddScoped<ChatSession>();

builder.Services.AddAssistantApi(builder.Configuration);

builder.Services.AddRazorComponents().AddInteractiveServerComponents();
builder.Services.AddProblemDetails();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseStaticFiles();
app.UseApiSecurity();
app.UseAntiforgery();

app.MapAssistantApi();
app.MapBlazorScript();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

app.Run();

/// <summary>The web host's entry point, public so WebApplicationFactory can start it in tests.</summary>
public partial class Program;
