using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Assistant.Llama.Grammar;

/// <summary>A JSON schema the converter cannot turn into a grammar; the message names the part.</summary>
public sealed class JsonSchemaNotSupportedException(string message) : ArgumentException(message);

/// <summary>
/// Converts a JSON schema into a GBNF grammar for llama.cpp's grammar sampler, so the model can only write JSON
/// that the schema accepts. Supported: type (also lists), object properties with required and optional ones
/// (never extra keys: additionalProperties is treated as false), string (minLength/maxLength, enum, const),
/// integer (minimum >= 0 drops the sign; a range of up to 256 values is enforced exactly), number, boolean,
/// null, array (items, minItems, maxItems), enum, const, oneOf/anyOf, allOf with one member, local $ref, and
/// empty schemas (any JSON). Not enforced by the grammar: pattern, format, and ranges of non-integer numbers;
/// <see cref="Assistant.Core.LanguageModel.JsonSchemaValidator"/> checks those after generation.
/// </summary>
public sealed class JsonSchemaGrammar
{
    // Strings exclude code points that are no Unicode scalar, raw or escaped: the grammar sampler reads token
    // bytes leniently, and a lone surrogate escape would not read back as a .NET string.
    // Digit counts are bounded so a model cannot run a number on for ever; 15 digits keep doubles exact.
    private const string Primitives = """
        ws ::= " "?
        string ::= "\"" char* "\""
        char ::= [^"\\\x00-\x1F\uD800-\uDFFF\U00110000-\U7FFFFFFF] | "\\" (["\\/bfnrt] | "u" ([0-9a-cA-Ce-fE-F] hex hex hex | [dD] [0-7] hex hex))
        hex ::= [0-9a-fA-F]
        integer ::= "-"? natural
        natural ::= "0" | [1-9] [0-9]{0,14}
        number ::= "-"? natural ("." [0-9]{1,15})? ([eE] [-+]? [0-9]{1,3})?
        boolean ::= "true" | "false"
        null ::= "null"
        value ::= object | array | string | number | boolean | null
        object ::= "{" ws ( string ws ":" ws value ( "," ws string ws ":" ws value )* )? ws "}"
        array ::= "[" ws ( value ( "," ws value )* )? ws "]"
        """;

    // Literals spell non-ASCII text as itself, the way a model writes it, not as \u escapes.
    private static readonly JsonSerializerOptions LiteralJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly Dictionary<string, string> _rules = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _refRules = new(StringComparer.Ordinal);
    private JsonElement _document;

    private JsonSchemaGrammar()
    {
    }

    /// <summary>A grammar whose root is a JSON value the schema accepts.</summary>
    public static string FromSchema(JsonElement schema)
    {
        var grammar = new JsonSchemaGrammar { _document = schema };
        var root = grammar.Visit(schema, "root-value");
        return grammar.Render($"root ::= {root}");
    }

    /// <summary>Any JSON object (for a JSON response without a schema).</summary>
    public static string AnyJsonObject() => new JsonSchemaGrammar().Render("root ::= object");

    /// <summary>A tool call <c>{"name": "...", "arguments": {...}}</c> to one of <paramref name="tools"/>.</summary>
    /// <param name="allowText">Also allow plain text that does not start with '{' (tool mode auto).</param>
    /// <param name="alternative">Also allow a JSON answer that follows this schema instead of a call.</param>
    public static string ForToolCalls(IReadOnlyList<(string Name, JsonElement Parameters)> tools, bool allowText, JsonElement? alternative = null)
    {
        if (tools.Count == 0)
        {
            throw new ArgumentException("A tool call grammar needs at least one tool.", nameof(tools));
        }

        var grammar = new JsonSchemaGrammar();
        var calls = new List<string>();
        foreach (var (name, parameters) in tools)
        {
            grammar._document = parameters;
            var hint = "call-" + Sanitize(name);
            var arguments = parameters.ValueKind == JsonValueKind.Undefined ? "object" : grammar.Visit(parameters, hint + "-arguments");
            calls.Add(grammar.Define(hint,
                $"\"{{\" ws \"\\\"name\\\"\" ws \":\" ws {Literal(JsonSerializer.Serialize(name, LiteralJson))} ws \",\" ws \"\\\"arguments\\\"\" ws \":\" ws {arguments} ws \"}}\""));
        }

        var root = grammar.Define("tools", string.Join(" | ", calls));
        if (alternative is { } answer)
        {
            grammar._document = answer;
            root += " | " + grammar.Visit(answer, "answer");
        }

        return allowText
            ? grammar.Render($"root ::= {root} | text\ntext ::= ( [^{{] .* )?")
            : grammar.Render($"root ::= {root}");
    }

    private string Render(string root)
    {
        var text = new StringBuilder(root).Append('\n');
        foreach (var (name, body) in _rules)
        {
            text.Append(name).Append(" ::= ").Append(body).Append('\n');
        }

        return text.Append(Primitives).Append('\n').ToString();
    }

    /// <returns>A GBNF expression (usually a rule name) matching the JSON values <paramref name="schema"/> accepts.</returns>
    private string Visit(JsonElement schema, string hint)
    {
        if (schema.ValueKind == JsonValueKind.True)
        {
            return "value";
        }

        if (schema.ValueKind != JsonValueKind.Object)
        {
            throw new JsonSchemaNotSupportedException($"Schema at '{hint}' must be an object or true, not {schema.ValueKind}.");
        }

        if (schema.TryGetProperty("$ref", out var reference))
        {
            return VisitRef(reference.GetString() ?? "", hint);
        }

        if (schema.TryGetProperty("const", out var constant))
        {
            return Literal(Compact(constant));
        }

        if (schema.TryGetProperty("enum", out var values))
        {
            if (values.ValueKind != JsonValueKind.Array || values.GetArrayLength() == 0)
            {
                throw new JsonSchemaNotSupportedException($"'enum' at '{hint}' must be a non-empty array.");
            }

            return Define(hint, string.Join(" | ", values.EnumerateArray().Select(v => Literal(Compact(v)))));
        }

        foreach (var keyword in new[] { "oneOf", "anyOf" })
        {
            if (schema.TryGetProperty(keyword, out var options))
            {
                var alternatives = options.EnumerateArray().Select((o, i) => Visit(o, $"{hint}-{i}")).ToList();
                return Define(hint, string.Join(" | ", alternatives));
            }
        }

        if (schema.TryGetProperty("allOf", out var all))
        {
            if (all.GetArrayLength() != 1)
            {
                throw new JsonSchemaNotSupportedException($"'allOf' with {all.GetArrayLength()} schemas at '{hint}' is not supported; merge them into one schema.");
            }

            return Visit(all[0], hint);
        }

        if (schema.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.Array)
        {
            var alternatives = type.EnumerateArray().Select(t => VisitType(t.GetString() ?? "", schema, $"{hint}-{t.GetString()}")).ToList();
            return Define(hint, string.Join(" | ", alternatives));
        }

        var typeName = type.ValueKind == JsonValueKind.String ? type.GetString()! : InferType(schema);
        return VisitType(typeName, schema, hint);
    }

    private static string InferType(JsonElement schema) =>
        schema.TryGetProperty("properties", out _) ? "object"
        : schema.TryGetProperty("items", out _) ? "array"
        : "any";

    private string VisitType(string type, JsonElement schema, string hint) => type switch
    {
        "object" => VisitObject(schema, hint),
        "array" => VisitArray(schema, hint),
        "string" => VisitString(schema, hint),
        "integer" => VisitInteger(schema, hint),
        "number" => "number",
        "boolean" => "boolean",
        "null" => "null",
        "any" => "value",
        _ => throw new JsonSchemaNotSupportedException($"Type '{type}' at '{hint}' is not a JSON schema type."),
    };

    private string VisitObject(JsonElement schema, string hint)
    {
        if (!schema.TryGetProperty("properties", out var properties) || properties.ValueKind != JsonValueKind.Object)
        {
            return "object";
        }

        var required = schema.TryGetProperty("required", out var r) && r.ValueKind == JsonValueKind.Array
            ? r.EnumerateArray().Select(e => e.GetString()).OfType<string>().ToHashSet(StringComparer.Ordinal)
            : [];
        foreach (var name in required)
        {
            if (!properties.TryGetProperty(name, out _))
            {
                throw new JsonSchemaNotSupportedException($"'{name}' is required at '{hint}' but has no schema under 'properties'.");
            }
        }

        var pairs = new List<(string Name, string Rule, bool Required)>();
        foreach (var property in properties.EnumerateObject())
        {
            var valueRule = Visit(property.Value, $"{hint}-{Sanitize(property.Name)}");
            var pair = $"{Literal(JsonSerializer.Serialize(property.Name, LiteralJson))} ws \":\" ws {valueRule}";
            pairs.Add((property.Name, pair, required.Contains(property.Name)));
        }

        var mandatory = pairs.Where(p => p.Required).Select(p => p.Rule).ToList();
        var optional = pairs.Where(p => !p.Required).Select(p => p.Rule).ToList();
        string body;
        if (mandatory.Count > 0)
        {
            var tail = string.Concat(optional.Select(o => $" ( \",\" ws {o} )?"));
            body = $"\"{{\" ws {string.Join(" \",\" ws ", mandatory)}{tail} ws \"}}\"";
        }
        else if (optional.Count > 0)
        {
            // Any subset in declared order: start at some optional key, then each later one may follow.
            var starts = new List<string>();
            for (var i = 0; i < optional.Count; i++)
            {
                starts.Add(optional[i] + string.Concat(optional.Skip(i + 1).Select(o => $" ( \",\" ws {o} )?")));
            }

            var members = Define(hint + "-members", string.Join(" | ", starts.Select(s => $"( {s} )")));
            body = $"\"{{\" ws {members}? ws \"}}\"";
        }
        else
        {
            body = "\"{\" ws \"}\"";
        }

        return Define(hint, body);
    }

    private string VisitArray(JsonElement schema, string hint)
    {
        var item = schema.TryGetProperty("items", out var items) ? Visit(items, hint + "-item") : "value";
        var min = GetInt(schema, "minItems") ?? 0;
        var max = GetInt(schema, "maxItems");
        if (max < min)
        {
            throw new JsonSchemaNotSupportedException($"maxItems < minItems at '{hint}'.");
        }

        string body;
        if (max == 0)
        {
            body = "\"[\" ws \"]\"";
        }
        else
        {
            var more = $"( \",\" ws {item} ){Repeat(Math.Max(0, min - 1), max - 1)}";
            body = min == 0
                ? $"\"[\" ws ( {item} {more} )? ws \"]\""
                : $"\"[\" ws {item} {more} ws \"]\"";
        }

        return Define(hint, body);
    }

    private string VisitString(JsonElement schema, string hint)
    {
        var min = GetInt(schema, "minLength") ?? 0;
        var max = GetInt(schema, "maxLength");
        if (min == 0 && max is null)
        {
            return "string";
        }

        return Define(hint, $"\"\\\"\" char{Repeat(min, max)} \"\\\"\"");
    }

    private string VisitInteger(JsonElement schema, string hint)
    {
        var minimum = GetNumber(schema, "minimum");
        var maximum = GetNumber(schema, "maximum");
        if (minimum is { } lo && maximum is { } hi && hi >= lo && hi - lo <= 256)
        {
            var first = (long)Math.Ceiling(lo);
            var last = (long)Math.Floor(hi);
            if (last < first)
            {
                throw new JsonSchemaNotSupportedException($"No integer lies between minimum {lo} and maximum {hi} at '{hint}'.");
            }

            return Define(hint, string.Join(" | ", Enumerable.Range(0, (int)(last - first + 1)).Select(i => Literal((first + i).ToString(CultureInfo.InvariantCulture)))));
        }

        return minimum >= 0 ? "natural" : "integer";
    }

    private string VisitRef(string reference, string hint)
    {
        if (_refRules.TryGetValue(reference, out var known))
        {
            return known;
        }

        var path = reference.StartsWith("#/", StringComparison.Ordinal) ? reference[2..].Split('/') : null;
        if (reference == "#")
        {
            path = [];
        }

        if (path is null)
        {
            throw new JsonSchemaNotSupportedException($"Only local references (#/...) are supported, not '{reference}' at '{hint}'.");
        }

        var target = _document;
        foreach (var part in path)
        {
            if (target.ValueKind != JsonValueKind.Object || !target.TryGetProperty(part.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal), out target))
            {
                throw new JsonSchemaNotSupportedException($"The reference '{reference}' at '{hint}' points nowhere.");
            }
        }

        // Name the rule before visiting, so a recursive schema refers to itself instead of recursing for ever.
        var name = Unique("ref-" + Sanitize(path.Length == 0 ? "root" : path[^1]));
        _refRules[reference] = name;
        _rules[name] = "";
        var body = Visit(target, name + "-body");
        _rules[name] = body;
        return name;
    }

    private string Define(string hint, string body)
    {
        var name = Sanitize(hint);
        if (_rules.TryGetValue(name, out var existing))
        {
            if (existing == body)
            {
                return name;
            }

            name = Unique(name);
        }

        _rules[name] = body;
        return name;
    }

    private string Unique(string name)
    {
        var candidate = name;
        for (var i = 2; _rules.ContainsKey(candidate); i++)
        {
            candidate = $"{name}-{i}";
        }

        return candidate;
    }

    private static string Repeat(int min, int? max) => max is { } m ? $"{{{min},{m}}}" : $"{{{min},}}";

    private static int? GetInt(JsonElement schema, string name) =>
        schema.TryGetProperty(name, out var v) && v.TryGetInt32(out var i) && i >= 0 ? i : null;

    private static double? GetNumber(JsonElement schema, string name) =>
        schema.TryGetProperty(name, out var v) && v.TryGetDouble(out var d) ? d : null;

    private static string Compact(JsonElement value) => JsonSerializer.Serialize(value, LiteralJson);

    /// <summary>A GBNF string literal matching exactly <paramref name="text"/>.</summary>
    internal static string Literal(string text)
    {
        var builder = new StringBuilder("\"");
        foreach (var c in text)
        {
            switch (c)
            {
                case '"':
                    builder.Append("\\\"");
                    break;
                case '\\':
                    builder.Append("\\\\");
                    break;
                case '\n':
                    builder.Append("\\n");
                    break;
                case '\r':
                    builder.Append("\\r");
                    break;
                case '\t':
                    builder.Append("\\t");
                    break;
                default:
                    builder.Append(c);
                    break;
            }
        }

        return builder.Append('"').ToString();
    }

    /// <summary>GBNF rule names allow letters, digits and dashes.</summary>
    private static string Sanitize(string name)
    {
        var builder = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            builder.Append(char.IsAsciiLetterOrDigit(c) ? c : '-');
        }

        return builder.Length == 0 ? "x" : builder.ToString();
    }
}
