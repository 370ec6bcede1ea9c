using System.Text.Json;

namespace Assistant.Llama.Grammar;

/// <summary>
/// Checks a JSON value against the schema subset <see cref="JsonSchemaGrammar"/> understands, including what a
/// grammar cannot enforce (number ranges, additional properties). Returns the problems, empty when valid.
/// </summary>
public static class JsonSchemaValidator
{
    public static IReadOnlyList<string> Validate(JsonElement value, JsonElement schema)
    {
        var problems = new List<string>();
        Check(value, schema, schema, "$", problems);
        return problems;
    }

    private static void Check(JsonElement value, JsonElement schema, JsonElement document, string path, List<string> problems)
    {
        if (schema.ValueKind == JsonValueKind.True)
        {
            return;
        }

        if (schema.ValueKind != JsonValueKind.Object)
        {
            problems.Add($"{path}: schema is not an object");
            return;
        }

        if (schema.TryGetProperty("$ref", out var reference))
        {
            var target = document;
            foreach (var part in (reference.GetString() ?? "#").TrimStart('#').Split('/', StringSplitOptions.RemoveEmptyEntries))
            {
                target = target.GetProperty(part);
            }

            Check(value, target, document, path, problems);
            return;
        }

        if (schema.TryGetProperty("const", out var constant) && !JsonElement.DeepEquals(value, constant))
        {
            problems.Add($"{path}: must be {constant.GetRawText()}");
        }

        if (schema.TryGetProperty("enum", out var values) && !values.EnumerateArray().Any(v => JsonElement.DeepEquals(v, value)))
        {
            problems.Add($"{path}: {value.GetRawText()} is not one of {values.GetRawText()}");
        }

        foreach (var keyword in new[] { "oneOf", "anyOf" })
        {
            if (schema.TryGetProperty(keyword, out var options))
            {
                var matches = options.EnumerateArray().Count(o => Validate(value, o, document).Count == 0);
                if (matches == 0 || (keyword == "oneOf" && matches > 1))
                {
                    problems.Add($"{path}: matches {matches} of the {keyword} schemas");
                }
            }
        }

        if (schema.TryGetProperty("allOf", out var all))
        {
            foreach (var member in all.EnumerateArray())
            {
                Check(value, member, document, path, problems);
            }
        }

        if (schema.TryGetProperty("type", out var type))
        {
            var types = type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()).ToList() : [type.GetString()];
            if (!types.Any(t => IsType(value, t)))
            {
                problems.Add($"{path}: {value.ValueKind} is not {string.Join(" or ", types)}");
                return;
            }
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.Object when schema.TryGetProperty("properties", out var properties):
                if (schema.TryGetProperty("required", out var required))
                {
                    foreach (var name in required.EnumerateArray().Select(r => r.GetString()!))
                    {
                        if (!value.TryGetProperty(name, out _))
                        {
                            problems.Add($"{path}: missing required '{name}'");
                        }
                    }
                }

                foreach (var member in value.EnumerateObject())
                {
                    if (properties.TryGetProperty(member.Name, out var memberSchema))
                    {
                        Check(member.Value, memberSchema, document, $"{path}.{member.Name}", problems);
                    }
                    else
                    {
                        problems.Add($"{path}: unexpected property '{member.Name}'");
                    }
                }

                break;
            case JsonValueKind.Array:
                var count = value.GetArrayLength();
                if (schema.TryGetProperty("minItems", out var minItems) && count < minItems.GetInt32())
                {
                    problems.Add($"{path}: {count} items, fewer than {minItems.GetInt32()}");
                }

                if (schema.TryGetProperty("maxItems", out var maxItems) && count > maxItems.GetInt32())
                {
                    problems.Add($"{path}: {count} items, more than {maxItems.GetInt32()}");
                }

                if (schema.TryGetProperty("items", out var items))
                {
                    var i = 0;
                    foreach (var item in value.EnumerateArray())
                    {
                        Check(item, items, document, $"{path}[{i++}]", problems);
                    }
                }

                break;
            case JsonValueKind.String:
                var length = value.GetString()!.EnumerateRunes().Count(); // JSON Schema counts code points
                if (schema.TryGetProperty("minLength", out var minLength) && length < minLength.GetInt32())
                {
                    problems.Add($"{path}: shorter than {minLength.GetInt32()}");
                }

                if (schema.TryGetProperty("maxLength", out var maxLength) && length > maxLength.GetInt32())
                {
                    problems.Add($"{path}: longer than {maxLength.GetInt32()}");
                }

                break;
            case JsonValueKind.Number:
                var number = value.GetDouble();
                if (schema.TryGetProperty("minimum", out var minimum) && number < minimum.GetDouble())
                {
                    problems.Add($"{path}: {number} is below the minimum {minimum.GetDouble()}");
                }

                if (schema.TryGetProperty("maximum", out var maximum) && number > maximum.GetDouble())
                {
                    problems.Add($"{path}: {number} is above the maximum {maximum.GetDouble()}");
                }

                break;
        }
    }

    private static IReadOnlyList<string> Validate(JsonElement value, JsonElement schema, JsonElement document)
    {
        var problems = new List<string>();
        Check(value, schema, document, "$", problems);
        return problems;
    }

    private static bool IsType(JsonElement value, string? type) => type switch
    {
        "object" => value.ValueKind == JsonValueKind.Object,
        "array" => value.ValueKind == JsonValueKind.Array,
        "string" => value.ValueKind == JsonValueKind.String,
        "number" => value.ValueKind == JsonValueKind.Number,
        "integer" => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "null" => value.ValueKind == JsonValueKind.Null,
        _ => true,
    };
}
