using Assistant.Tools.Classifiers.Training.OnnxWriting;

namespace Assistant.Tools.Classifiers.Training;

/// <summary>A feature the model computes from the readings: <c>x[A] - x[B]</c> or <c>x[A] * x[B] * Scale</c>.</summary>
public sealed record DerivedFeature(string Name, string Unit, DerivedFeatureKind Kind, int A, int B, float Scale = 1f, string? Description = null)
{
    public float Compute(ReadOnlySpan<float> raw) => Kind switch
    {
        DerivedFeatureKind.Difference => raw[A] - raw[B],
        DerivedFeatureKind.Product => raw[A] * raw[B] * Scale,
        _ => throw new InvalidOperationException($"Unknown derived feature kind {Kind}."),
    };
}

public enum DerivedFeatureKind
{
    Difference,
    Product,
}

/// <summary>
/// Turns the readings a technician gives into the vector the trees split on: the readings themselves, then the
/// derived features. The same arithmetic is written into the ONNX graph (Gather, Sub, Mul, Concat) so the
/// exported model takes plain readings, and C# and ONNX compute the same float values.
/// </summary>
public sealed record FeatureRecipe(IReadOnlyList<string> RawFeatures, IReadOnlyList<DerivedFeature> Derived)
{
    public int ExpandedCount => RawFeatures.Count + Derived.Count;

    public IEnumerable<string> ExpandedNames => RawFeatures.Concat(Derived.Select(d => d.Name));

    public float[] Expand(ReadOnlySpan<float> raw)
    {
        var expanded = new float[ExpandedCount];
        raw.CopyTo(expanded);
        for (var i = 0; i < Derived.Count; i++)
        {
            expanded[RawFeatures.Count + i] = Derived[i].Compute(raw);
        }

        return expanded;
    }

    /// <summary>Adds the nodes that expand <paramref name="input"/> (float[N, raw]) and returns the name of the expanded tensor.</summary>
    public string WriteGraph(OnnxModelBuilder builder, string input)
    {
        if (Derived.Count == 0)
        {
            return input;
        }

        var parts = new List<string> { input };
        for (var i = 0; i < Derived.Count; i++)
        {
            var d = Derived[i];
            var a = $"derived{i}_a";
            var b = $"derived{i}_b";
            builder.Initializer($"{a}_index", [(long)d.A], 1)
                   .Initializer($"{b}_index", [(long)d.B], 1)
                   .Node("Gather", [input, $"{a}_index"], [a], attributes: OnnxAttribute.Of("axis", 1L))
                   .Node("Gather", [input, $"{b}_index"], [b], attributes: OnnxAttribute.Of("axis", 1L));
            var output = $"derived{i}_{d.Name}";
            if (d.Kind == DerivedFeatureKind.Difference)
            {
                builder.Node("Sub", [a, b], [output]);
            }
            else
            {
                builder.Initializer($"derived{i}_scale", [d.Scale], 1)
                       .Node("Mul", [a, b], [$"derived{i}_ab"])
                       .Node("Mul", [$"derived{i}_ab", $"derived{i}_scale"], [output]);
            }

            parts.Add(output);
        }

        builder.Node("Concat", [.. parts], ["expanded_features"], attributes: OnnxAttribute.Of("axis", 1L));
        return "expanded_features";
    }
}
