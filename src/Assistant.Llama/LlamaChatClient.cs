using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Assistant.Llama.Grammar;
using Assistant.Llama.Inference;
using Microsoft.Extensions.AI;

namespace Assistant.Llama;

/// <summary>
/// <see cref="IChatClient"/> over the local model. Beyond plain chat it honours, per request:
/// <list type="bullet">
/// <item>ResponseFormat = JSON schema: output constrained by a grammar made from the schema;</item>
/// <item>Tools with ToolMode RequireAny/RequireSpecific: output forced to <c>{"name", "arguments"}</c> of a tool and
/// returned as a <see cref="FunctionCallContent"/>; Auto: the model may call a tool or write text;</item>
/// <item>AdditionalProperties["adapters"] (<c>IReadOnlyDictionary&lt;string, float&gt;</c>): LoRA adapters and scales;</item>
/// <item>Temperature, TopK, TopP, Seed, MaxOutputTokens, StopSequences.</item>
/// </list>
/// Streaming yields text as it is decoded; a tool call arrives as one update at the end.
/// </summary>
public sealed class LlamaChatClient(LlamaGenerator generator, LlamaOptions options) : IChatClient
{
    public const string AdaptersProperty = "adapters";
    public const string ToolRole = "tool";

    // Compact JSON in prompts: every character is a token the context pays for.
    private static readonly JsonSerializerOptions Json = new(AIJsonUtilities.DefaultOptions) { WriteIndented = false };

    private readonly ChatClientMetadata _metadata = new("llama.cpp", null, generator.Model.Name);

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
        {
            updates.Add(update);
        }

        return updates.ToChatResponse();
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var plan = RequestPlan.Create(generator.Model, messages.ToList(), options, optionsDefaults: this);
        var responseId = Guid.NewGuid().ToString("N");
        var messageId = Guid.NewGuid().ToString("N");
        var created = DateTimeOffset.UtcNow;
        ChatResponseUpdate Update(IList<AIContent> contents, ChatFinishReason? finish = null) => new(ChatRole.Assistant, contents)
        {
            ResponseId = responseId,
            MessageId = messageId,
            CreatedAt = created,
            ModelId = generator.Model.Name,
            FinishReason = finish,
        };

        // Text is held back only while it could still become a tool call (forced, or auto until the first character).
        var held = new StringBuilder();
        var decided = !plan.MayCallTool;
        var isCall = plan.MustCallTool;
        GenerationFinish? finish = null;
        await foreach (var piece in generator.GenerateAsync(plan.Request, cancellationToken).ConfigureAwait(false))
        {
            finish ??= piece.Finish;
            if (piece.Text.Length == 0)
            {
                continue;
            }

            if (!decided)
            {
                held.Append(piece.Text);
                var first = held.ToString().TrimStart();
                if (first.Length == 0)
                {
                    continue;
                }

                decided = true;
                isCall = first[0] == '{';
                if (!isCall)
                {
                    yield return Update([new TextContent(held.ToString())]);
                    held.Clear();
                }

                continue;
            }

            if (isCall)
            {
                held.Append(piece.Text);
            }
            else
            {
                yield return Update([new TextContent(piece.Text)]);
            }
        }

        finish ??= new GenerationFinish(GenerationFinishReason.Stop, plan.Request.Prompt.Count, 0);
        var usage = new UsageDetails
        {
            InputTokenCount = finish.PromptTokens,
            OutputTokenCount = finish.OutputTokens,
            TotalTokenCount = finish.PromptTokens + finish.OutputTokens,
        };
        var reason = finish.Reason == GenerationFinishReason.Length ? ChatFinishReason.Length : ChatFinishReason.Stop;
        if (isCall && plan.ParseCall(held.ToString(), finish) is { } call)
        {
            yield return Update([call, new UsageContent(usage)], ChatFinishReason.ToolCalls);
            yield break;
        }

        var rest = held.ToString();
        yield return Update(rest.Length > 0 ? [new TextContent(rest), new UsageContent(usage)] : [new UsageContent(usage)], reason);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(ChatClientMetadata) ? _metadata
        : serviceType == typeof(LlamaGenerator) ? generator
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose()
    {
        // The generator belongs to the model host.
    }

    internal int DefaultMaxOutputTokens => options.MaxOutputTokens;

    /// <summary>What one request becomes: the prompt tokens, sampler settings, grammar and how to read the output.</summary>
    private sealed class RequestPlan
    {
        private IReadOnlyList<AIFunctionDeclaration> _tools = [];

        public required GenerationRequest Request { get; init; }

        public bool MayCallTool { get; private init; }

        public bool MustCallTool { get; private init; }

        public static RequestPlan Create(LlamaModel model, IReadOnlyList<ChatMessage> messages, ChatOptions? options, LlamaChatClient optionsDefaults)
        {
            var tools = options?.ToolMode is NoneChatToolMode
                ? []
                : (options?.Tools ?? []).OfType<AIFunctionDeclaration>().ToList();
            var required = options?.ToolMode as RequiredChatToolMode;
            if (required?.RequiredFunctionName is { } wanted)
            {
                tools = tools.Where(t => t.Name == wanted).ToList();
                if (tools.Count == 0)
                {
                    throw new ArgumentException($"ToolMode requires the tool '{wanted}', but ChatOptions.Tools has no function of that name.", nameof(options));
                }
            }
            else if (required is not null && tools.Count == 0)
            {
                throw new ArgumentException("ToolMode requires a tool call, but ChatOptions.Tools holds no functions.", nameof(options));
            }

            var schema = (options?.ResponseFormat as ChatResponseFormatJson)?.Schema;
            string? grammar = null;
            if (tools.Count > 0)
            {
                var declarations = tools.Select(t => (t.Name, t.JsonSchema)).ToList();
                grammar = JsonSchemaGrammar.ForToolCalls(declarations, allowText: required is null && schema is null, alternative: required is null ? schema : null);
            }
            else if (schema is { } s)
            {
                grammar = JsonSchemaGrammar.FromSchema(s);
            }
            else if (options?.ResponseFormat is ChatResponseFormatJson)
            {
                grammar = JsonSchemaGrammar.AnyJsonObject();
            }

            var prompt = Render(model, messages, options, tools);
            var tokens = model.Tokenize(prompt, addSpecial: true, parseSpecial: true);
            var maxTokens = options?.MaxOutputTokens ?? optionsDefaults.DefaultMaxOutputTokens;
            if (maxTokens < 1)
            {
                throw new ArgumentException($"MaxOutputTokens must be at least 1, not {maxTokens}.", nameof(options));
            }

            if (options?.Seed is < 0 or > uint.MaxValue - 1)
            {
                throw new ArgumentException($"Seed must be between 0 and {uint.MaxValue - 1}, not {options.Seed}.", nameof(options));
            }

            var request = new GenerationRequest(tokens)
            {
                Sampling = new SamplingSettings(
                    options?.Temperature ?? 0.7f,
                    options?.TopK ?? 40,
                    options?.TopP ?? 0.95f,
                    options?.Seed is { } seed ? (uint)seed : null),
                MaxTokens = maxTokens,
                StopSequences = options?.StopSequences?.ToList() ?? [],
                Grammar = grammar,
                Adapters = ReadAdapters(options),
            };
            return new RequestPlan
            {
                Request = request,
                _tools = tools,
                MayCallTool = tools.Count > 0,
                MustCallTool = tools.Count > 0 && required is not null,
            };
        }

        /// <returns>The call, or null when the JSON is an answer rather than a call (auto mode with a response schema).</returns>
        public FunctionCallContent? ParseCall(string text, GenerationFinish finish)
        {
            JsonElement root;
            try
            {
                root = JsonDocument.Parse(text).RootElement.Clone();
            }
            catch (JsonException) when (finish.Reason == GenerationFinishReason.Length)
            {
                throw new InvalidOperationException(
                    $"The model stopped after {finish.OutputTokens} tokens, before it finished the tool call. Raise MaxOutputTokens or shorten the conversation.");
            }
            catch (JsonException) when (!MustCallTool)
            {
                return null;
            }

            if (root.ValueKind != JsonValueKind.Object ||
                !root.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String ||
                !root.TryGetProperty("arguments", out var arguments) || arguments.ValueKind != JsonValueKind.Object ||
                _tools.All(t => t.Name != name.GetString()))
            {
                return MustCallTool ? throw new InvalidOperationException($"The model's tool call is malformed: {text}") : null;
            }

            var values = arguments.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value.Clone(), StringComparer.Ordinal);
            return new FunctionCallContent("call_" + Guid.NewGuid().ToString("N")[..12], name.GetString()!, values);
        }

        private static IReadOnlyDictionary<string, float>? ReadAdapters(ChatOptions? options)
        {
            if (options?.AdditionalProperties is not { } properties || !properties.TryGetValue(AdaptersProperty, out var value) || value is null)
            {
                return null;
            }

            return value switch
            {
                IReadOnlyDictionary<string, float> adapters => adapters,
                IDictionary<string, float> adapters => adapters.AsReadOnly(),
                _ => throw new ArgumentException(
                    $"ChatOptions.AdditionalProperties[\"{AdaptersProperty}\"] must be an IReadOnlyDictionary<string, float> of adapter names and scales, not {value.GetType().Name}.", nameof(options)),
            };
        }

        /// <summary>The conversation as the chat template's turns; tool calls and results become JSON turns.</summary>
        private static string Render(LlamaModel model, IReadOnlyList<ChatMessage> messages, ChatOptions? options, IReadOnlyList<AIFunctionDeclaration> tools)
        {
            var turns = new List<(string Role, string Content)>();
            var system = new StringBuilder(options?.Instructions ?? "");
            var callNames = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var message in messages)
            {
                if (message.Role == ChatRole.System)
                {
                    system.Append(system.Length > 0 ? "\n\n" : "").Append(message.Text);
                    continue;
                }

                var text = new StringBuilder();
                foreach (var content in message.Contents)
                {
                    switch (content)
                    {
                        case TextContent t:
                            text.Append(t.Text);
                            break;
                        case FunctionCallContent call:
                            callNames[call.CallId] = call.Name;
                            text.Append(text.Length > 0 ? "\n" : "").Append(JsonSerializer.Serialize(new { name = call.Name, arguments = call.Arguments ?? new Dictionary<string, object?>() }, Json));
                            break;
                        case FunctionResultContent result:
                            Flush(turns, message.Role.Value, text);
                            var resultJson = result.Result switch
                            {
                                JsonElement element => element.GetRawText(),
                                null => result.Exception is { } ex ? JsonSerializer.Serialize(new { error = ex.Message }, Json) : "null",
                                var other => JsonSerializer.Serialize(other, Json),
                            };
                            var toolName = callNames.GetValueOrDefault(result.CallId, "");
                            turns.Add((ToolRole, $"{{\"name\":{JsonSerializer.Serialize(toolName)},\"result\":{resultJson}}}"));
                            break;
                    }
                }

                Flush(turns, message.Role.Value, text);
            }

            if (tools.Count > 0)
            {
                system.Append(system.Length > 0 ? "\n\n" : "").Append(DescribeTools(tools));
            }

            if (system.Length > 0)
            {
                turns.Insert(0, ("system", system.ToString()));
            }

            return model.ApplyChatTemplate(turns, addAssistant: true);
        }

        private static void Flush(List<(string Role, string Content)> turns, string role, StringBuilder text)
        {
            if (text.Length > 0)
            {
                turns.Add((role, text.ToString()));
                text.Clear();
            }
        }

        private static string DescribeTools(IReadOnlyList<AIFunctionDeclaration> tools)
        {
            var text = new StringBuilder(
                "Tools you can call. To call one, answer with only a JSON object {\"name\": \"<tool>\", \"arguments\": {...}}; its result comes back in a tool turn.");
            foreach (var tool in tools)
            {
                text.Append("\n- ").Append(tool.Name);
                if (!string.IsNullOrWhiteSpace(tool.Description))
                {
                    text.Append(": ").Append(tool.Description);
                }

                text.Append(" Arguments schema: ").Append(tool.JsonSchema.GetRawText());
            }

            return text.ToString();
        }
    }
}
