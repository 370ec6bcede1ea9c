using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Assistant.Core.LanguageModel;

/// <summary>
/// Checks a JSON value against a JSON schema: the tools' argument schemas (the answer pipeline refuses a call that
/// breaks them before the tool runs) and the schemas a grammar is made from (tests check that forced output obeys
/// them). Covers the keywords those schemas use: type (also lists), properties, required, additionalProperties,
/// enum, const, minimum/maximum (and exclusive), minLength/maxLength (in code points), pattern, items,
/// minItems/maxItems, anyOf/oneOf/allOf and local $ref. Each problem names the path and what would be valid, so a
/// model or a person can correct the call.
/// </summary>
public static class JsonSchemaValidator
{
    /// <summary>What is wrong with <paramref name="value"/>, one message per problem; empty when valid.</summary>
    /// <param name="root">How the value is named in the messages, e.g. "arguments" gives "arguments.machine is required."</param>
    public static IReadOnlyList<string> Validate(JsonElement schema, JsonElement value, string root = "$")
    {
        var problems = new List<string>();
        Check(schema, value, schema, root, problems);
        return problems;
    }

    private static void Check(JsonElement schema, JsonElement value, JsonElement document, string path, List<string> problems)
    {
        if (schema.ValueKind == JsonValueKind.False)
        {
            problems.Add($"{path} is not allowed.");
            return;
        }

        if (schema.ValueKind != JsonValueKind.Object)
        {
            return; // true, or a schema this validator cannot read: nothing to hold the value to
        }

        if (schema.TryGetProperty("$ref", out var reference) && reference.GetString() is { } pointer)
        {
            if (Resolve(document, pointer) is not { } target)
            {
                problems.Add($"{path}: the schema refers to {pointer}, which it does not define.");
                return;
            }

            Check(target, value, document, path, problems);
            return;
        }

        if (schema.TryGetProperty("type", out var type) && !MatchesType(type, value))
        {
            problems.Add($"{path} must be {DescribeType(type)}, not {DescribeValue(value)}.");
            return;
        }

        if (schema.TryGetProperty("enum", out var allowed) && allowed.ValueKind == JsonValueKind.Array &&
            !allowed.EnumerateArray().Any(a => JsonElement.DeepEquals(a, value)))
        {
            problems.Add($"{path} must be one of {allowed.GetRawText()}, not {value.GetRawText()}.");
        }

        if (schema.TryGetProperty("const", out var constant) && !JsonElement.DeepEquals(constant, value))
        {
            problems.Add($"{path} must be {constant.GetRawText()}, not {value.GetRawText()}.");
        }

        foreach (var keyword in new[] { "anyOf", "oneOf" })
        {
            if (schema.TryGetProperty(keyword, out var options) && options.ValueKind == JsonValueKind.Array)
            {
                var matching = options.EnumerateArray().Count(o =>
                {
                    var sub = new List<string>();
                    Check(o, value, document, path, sub);
                    return sub.Count == 0;
                });
                if (matching == 0 || (keyword == "oneOf" && matching > 1))
                {
                    problems.Add($"{path} matches {matching} of the {keyword} alternatives of the schema; it must match {(keyword == "oneOf" ? "exactly one" : "at least one")}.");
                }
            }
        }

        if (schema.TryGetProperty("allOf", out var all) && all.ValueKind == JsonValueKind.Array)
        {
            foreach (var member in all.EnumerateArray())
            {
                Check(member, value, document, path, problems);
            }
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                CheckObject(schema, value, document, path, problems);
                break;
            case JsonValueKind.Array:
                CheckArray(schema, value, document, path, problems);
                break;
            case JsonValueKind.String:
                CheckString(schema, value.GetString()!, path, problems);
                break;
            case JsonValueKind.Number:
                CheckNumber(schema, value.GetDouble(), path, problems);
                break;
        }
    }

    private static void CheckObject(JsonElement schema, JsonElement value, JsonElement document, string path, List<string> problems)
    {
        var properties = schema.TryGetProperty("properties", out var p) && p.ValueKind == JsonValueKind.Object ? p : default;
        if (schema.TryGetProperty("required", out var required) && required.ValueKind == JsonValueKind.Array)
        {
            foreach (var name in required.EnumerateArray().Select(r => r.GetString()).OfType<string>())
            {
                if (!value.TryGetProperty(name, out _))
                {
                    problems.Add($"{path}.{name} is required.");
                }
            }
        }

        var additional = schema.TryGetProperty("additionalProperties", out var a) ? a : default;
        foreach (var property in value.EnumerateObject())
        {
            if (properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty(property.Name, out var propertySchema))
            {
                Check(propertySchema, property.Value, document, $"{path}.{property.Name}", problems);
            }
            else if (additional.ValueKind == JsonValueKind.False)
            {
                var known = properties.ValueKind == JsonValueKind.Object
                    ? string.Join(", ", properties.EnumerateObject().Select(k => k.Name))
                    : "none";
                problems.Add($"{path}.{property.Name} is not allowed here (allowed: {known}).");
            }
            else if (additional.ValueKind == JsonValueKind.Object)
            {
                Check(additional, property.Value, document, $"{path}.{property.Name}", problems);
            }
        }
    }

    private static void CheckArray(JsonElement schema, JsonElement value, JsonElement document, string path, List<string> problems)
    {
        var count = value.GetArrayLength();
        if (schema.TryGetProperty("minItems", out var min) && min.TryGetInt32(out var minItems) && count < minItems)
        {
            problems.Add($"{path} needs at least {minItems} items, not {count}.");
        }

        if (schema.TryGetProperty("maxItems", out var max) && max.TryGetInt32(out var maxItems) && count > maxItems)
        {
            problems.Add($"{path} allows at most {maxItems} items, not {count}.");
        }

        if (schema.TryGetProperty("items", out var items) && items.ValueKind is JsonValueKind.Object or JsonValueKind.False)
        {
            var i = 0;
            foreach (var item in value.EnumerateArray())
            {
                Check(items, item, document, $"{path}[{i++}]", problems);
            }
        }
    }

    private static void CheckString(JsonElement schema, string value, string path, List<string> problems)
    {
        var length = value.EnumerateRunes().Count(); // JSON Schema counts code points, not UTF-16 units
        if (schema.TryGetProperty("minLength", out var min) && min.TryGetInt32(out var minLength) && length < minLength)
        {
            problems.Add($"{path} must be at least {minLength} characters long, not {length}.");
        }

        if (schema.TryGetProperty("maxLength", out var max) && max.TryGetInt32(out var maxLength) && length > maxLength)
        {
            problems.Add($"{path} must be at most {maxLength} characters long, not {length}.");
        }

        if (schema.TryGetProperty("pattern", out var pattern) && pattern.GetString() is { } regex &&
            !Regex.IsMatch(value, regex, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)))
        {
            problems.Add($"{path} must match the pattern {regex}.");
        }
    }

    private static void CheckNumber(JsonElement schema, double value, string path, List<string> problems)
    {
        if (schema.TryGetProperty("minimum", out var min) && min.TryGetDouble(out var minimum) && value < minimum)
        {
            problems.Add($"{path} must be at least {Format(minimum)}, not {Format(value)}.");
        }

        if (schema.TryGetProperty("maximum", out var max) && max.TryGetDouble(out var maximum) && value > maximum)
        {
            problems.Add($"{path} must be at most {Format(maximum)}, not {Format(value)}.");
        }

        if (schema.TryGetProperty("exclusiveMinimum", out var xmin) && xmin.TryGetDouble(out var exclusiveMinimum) && value <= exclusiveMinimum)
        {
            problems.Add($"{path} must be greater than {Format(exclusiveMinimum)}, not {Format(value)}.");
        }

        if (schema.TryGetProperty("exclusiveMaximum", out var xmax) && xmax.TryGetDouble(out var exclusiveMaximum) && value >= exclusiveMaximum)
        {
            problems.Add($"{path} must be less than {Format(exclusiveMaximum)}, not {Format(value)}.");
        }
    }

    /// <summary>A local reference such as <c>#/$defs/reading</c>; null when the document has no such part.</summary>
    private static JsonElement? Resolve(JsonElement document, string pointer)
    {
        if (!pointer.StartsWith('#'))
        {
            return null;
        }

        var target = document;
        foreach (var part in pointer[1..].Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = part.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            if (target.ValueKind != JsonValueKind.Object || !target.TryGetProperty(name, out target))
            {
                return null;
            }
        }

        return target;
    }

    private static bool MatchesType(JsonElement type, JsonElement value) => type.ValueKind switch
    {
        JsonValueKind.String => MatchesType(type.GetString()!, value),
        JsonValueKind.Array => type.EnumerateArray().Any(t => t.ValueKind == JsonValueKind.String && MatchesType(t.GetString()!, value)),
        _ => true,
    };

    private static bool MatchesType(string type, JsonElement value) => type switch
    {
        "object" => value.ValueKind == JsonValueKind.Object,
        "array" => value.ValueKind == JsonValueKind.Array,
        "string" => value.ValueKind == JsonValueKind.String,
        "number" => value.ValueKind == JsonValueKind.Number,
        // JSON Schema: 2.0 is an integer as much as 2 is.
        "integer" => value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var d) && double.IsFinite(d) && Math.Floor(d) == d,
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "null" => value.ValueKind == JsonValueKind.Null,
        _ => true,
    };

    private static string DescribeType(JsonElement type) => type.ValueKind switch
    {
        JsonValueKind.String => "of type " + type.GetString(),
        JsonValueKind.Array => "one of the types " + string.Join(", ", type.EnumerateArray().Select(t => t.ToString())),
        _ => type.GetRawText(),
    };

    private static string DescribeValue(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "the string " + value.GetRawText(),
        JsonValueKind.Number => "the number " + value.GetRawText(),
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    private static string Format(double value) => value.ToString("G", CultureInfo.InvariantCulture);
}
