namespace Assistant.Tools.Classifiers.Training;

/// <summary>Rows of readings (in the order of <see cref="ClassifierDefinition.Features"/>) and one class index per target per row.</summary>
public sealed record LabelledData(IReadOnlyList<float[]> Rows, IReadOnlyList<int[]> Labels, IReadOnlyList<int> StratifyBy, IReadOnlyList<string> Notes);

/// <summary>Everything that defines a trainable classifier except the trees: readings, derived features, targets, data.</summary>
public abstract class ClassifierDefinition
{
    public abstract string Name { get; }

    public abstract string Version { get; }

    public abstract string Description { get; }

    public abstract IReadOnlyList<string> MachineTypes { get; }

    /// <summary>Readings with units and descriptions; ranges and typical values are filled in from the data.</summary>
    public abstract IReadOnlyList<FeatureTemplate> Features { get; }

    public virtual IReadOnlyList<DerivedFeature> Derived => [];

    public abstract IReadOnlyList<TargetTemplate> Targets { get; }

    public abstract string DataDescription { get; }

    public abstract string DataSource { get; }

    public virtual GradientBoostingOptions DefaultOptions => new();

    public FeatureRecipe Recipe => new(Features.Select(f => f.Name).ToArray(), Derived);

    public abstract LabelledData Load(string sharedDataRoot);
}

public sealed record FeatureTemplate(
    string Name,
    string Unit,
    string Description,
    IReadOnlyList<string>? Categories = null,
    IReadOnlyList<AlternateUnit>? AlternateUnits = null,
    (double Min, double Max)? Range = null);

public sealed record TargetTemplate(string Name, string Description, IReadOnlyList<ClassSpec> Classes, string? BinaryFigureName = null);
