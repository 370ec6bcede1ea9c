using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Assistant.Core.Answering.Tools;

/// <summary>
/// Checks a tool call's arguments against the tool's JSON schema before the tool runs, so a malformed call
/// gets a message the model (and the person watching the tool card) can act on instead of a crash deep in a
/// classifier. Covers the schema keywords our tools' schemas use: type, properties, required,
/// additionalProperties, enum, const, minimum/maximum (and exclusive), minLength/maxLength, pattern,
/// items, minItems/maxItems, anyOf/oneOf.
/// </summary>
public static class ToolArgumentValidator
{
    /// <summary>What is wrong with <paramref name="arguments"/>, one message per problem; empty when valid.</summary>
    public static IReadOnlyList<string> Validate(JsonElement schema, JsonElement arguments)
    {
        var errors = new List<string>();
        Check(schema, arguments, "arguments", errors);
        return errors;
    }

    private static void Check(JsonElement schema, JsonElement value, string path, List<string> errors)
    {
        if (schema.ValueKind == JsonValueKind.False)
        {
            errors.Add($"{path} is not allowed.");
            return;
        }

        if (schema.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        if (schema.TryGetProperty("type", out var type) && !MatchesType(type, value))
        {
            errors.Add($"{path} must be {DescribeType(type)}, not {DescribeValue(value)}.");
            return;
        }

        if (schema.TryGetProperty("enum", out var allowed) && allowed.ValueKind == JsonValueKind.Array &&
            !allowed.EnumerateArray().Any(a => JsonElement.DeepEquals(a, value)))
        {
            errors.Add($"{path} must be one of {allowed.GetRawText()}, not {value.GetRawText()}.");
        }

        if (schema.TryGetProperty("const", out var constant) && !JsonElement.DeepEquals(constant, value))
        {
            errors.Add($"{path} must be {constant.GetRawText()}.");
        }

        foreach (var keyword in new[] { "anyOf", "oneOf" })
        {
            if (schema.TryGetProperty(keyword, out var options) && options.ValueKind == JsonValueKind.Array)
            {
                var matching = options.EnumerateArray().Count(o =>
                {
                    var sub = new List<string>();
                    Check(o, value, path, sub);
                    return sub.Count == 0;
                });
                if (matching == 0 || (keyword == "oneOf" && matching > 1))
                {
                    errors.Add($"{path} does not match the {keyword} alternatives of the schema.");
                }
            }
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                CheckObject(schema, value, path, errors);
                break;
            case JsonValueKind.Array:
                CheckArray(schema, value, path, errors);
                break;
            case JsonValueKind.String:
                CheckString(schema, value.GetString()!, path, errors);
                break;
            case JsonValueKind.Number:
                CheckNumber(schema, value.GetDouble(), path, errors);
                break;
        }
    }

    private static void CheckObject(JsonElement schema, JsonElement value, string path, List<string> errors)
    {
        var properties = schema.TryGetProperty("properties", out var p) && p.ValueKind == JsonValueKind.Object ? p : default;
        if (schema.TryGetProperty("required", out var required) && required.ValueKind == JsonValueKind.Array)
        {
            foreach (var name in required.EnumerateArray().Select(r => r.GetString()).OfType<string>())
            {
                if (!value.TryGetProperty(name, out _))
                {
                    errors.Add($"{path}.{name} is required.");
                }
            }
        }

        var additional = schema.TryGetProperty("additionalProperties", out var a) ? a : default;
        foreach (var property in value.EnumerateObject())
        {
            if (properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty(property.Name, out var propertySchema))
            {
                Check(propertySchema, property.Value, $"{path}.{property.Name}", errors);
            }
            else if (additional.ValueKind == JsonValueKind.False)
            {
                var known = properties.ValueKind == JsonValueKind.Object
                    ? string.Join(", ", properties.EnumerateObject().Select(k => k.Name))
                    : "none";
                errors.Add($"{path}.{property.Name} is not a parameter of this tool (parameters: {known}).");
            }
            else if (additional.ValueKind == JsonValueKind.Object)
            {
                Check(additional, property.Value, $"{path}.{property.Name}", errors);
            }
        }
    }

    private static void CheckArray(JsonElement schema, JsonElement value, string path, List<string> errors)
    {
        var count = value.GetArrayLength();
        if (schema.TryGetProperty("minItems", out var min) && min.TryGetInt32(out var minItems) && count < minItems)
        {
            errors.Add($"{path} needs at least {minItems} items, has {count}.");
        }

        if (schema.TryGetProperty("maxItems", out var max) && max.TryGetInt32(out var maxItems) && count > maxItems)
        {
            errors.Add($"{path} allows at most {maxItems} items, has {count}.");
        }

        if (schema.TryGetProperty("items", out var items) && items.ValueKind is JsonValueKind.Object or JsonValueKind.False)
        {
            var i = 0;
            foreach (var item in value.EnumerateArray())
            {
                Check(items, item, $"{path}[{i++}]", errors);
            }
        }
    }

    private static void CheckString(JsonElement schema, string value, string path, List<string> errors)
    {
        if (schema.TryGetProperty("minLength", out var min) && min.TryGetInt32(out var minLength) && value.Length < minLength)
        {
            errors.Add($"{path} must be at least {minLength} characters long.");
        }

        if (schema.TryGetProperty("maxLength", out var max) && max.TryGetInt32(out var maxLength) && value.Length > maxLength)
        {
            errors.Add($"{path} must be at most {maxLength} characters long.");
        }

        if (schema.TryGetProperty("pattern", out var pattern) && pattern.GetString() is { } regex &&
            !Regex.IsMatch(value, regex, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)))
        {
            errors.Add($"{path} must match the pattern {regex}.");
        }
    }

    private static void CheckNumber(JsonElement schema, double value, string path, List<string> errors)
    {
        if (schema.TryGetProperty("minimum", out var min) && min.TryGetDouble(out var minimum) && value < minimum)
        {
            errors.Add($"{path} must be at least {Format(minimum)}, not {Format(value)}.");
        }

        if (schema.TryGetProperty("maximum", out var max) && max.TryGetDouble(out var maximum) && value > maximum)
        {
            errors.Add($"{path} must be at most {Format(maximum)}, not {Format(value)}.");
        }

        if (schema.TryGetProperty("exclusiveMinimum", out var xmin) && xmin.TryGetDouble(out var exclusiveMinimum) && value <= exclusiveMinimum)
        {
            errors.Add($"{path} must be greater than {Format(exclusiveMinimum)}, not {Format(value)}.");
        }

        if (schema.TryGetProperty("exclusiveMaximum", out var xmax) && xmax.TryGetDouble(out var exclusiveMaximum) && value >= exclusiveMaximum)
        {
            errors.Add($"{path} must be less than {Format(exclusiveMaximum)}, not {Format(value)}.");
        }
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
        "integer" => value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var d) && Math.Floor(d) == d,
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
