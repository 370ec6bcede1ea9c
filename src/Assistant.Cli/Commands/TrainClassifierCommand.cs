using Assistant.Core;
using Assistant.Tools.Classifiers;
using Assistant.Tools.Classifiers.Training;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Assistant.Cli.Commands;

/// <summary>Trains the reference fault classifiers from the public data and writes model + manifest.</summary>
public sealed class TrainClassifierCommand : ICliCommand
{
    private static readonly Dictionary<string, Func<ClassifierDefinition>> Definitions = new(StringComparer.Ordinal)
    {
        [MillingFailureDefinition.ClassifierName] = () => new MillingFailureDefinition(),
        [HydraulicConditionDefinition.ClassifierName] = () => new HydraulicConditionDefinition(),
    };

    public string Name => "train-classifier";

    public string Summary => "Train a fault classifier (gradient-boosted trees) from labelled data, export it to ONNX with its manifest.";

    public string Usage =>
        $"[{string.Join("|", Definitions.Keys)}|all] [--data DIR] [--out DIR] [--rounds N] [--depth N] [--learning-rate X] " +
        "[--subsample X] [--class-weight-power X] [--min-child-weight X] [--lambda X] [--seed N] [--folds N] [--held-out X] [--max-rows N] [--dry-run]\n" +
        "  --data      the public data folder (default: shared/data above the working directory, or $SHOPFLOOR_SHARED_DATA)\n" +
        "  --out       where to write <name>.onnx and <name>.json (default: the Classifiers:Path setting)\n" +
        "  --folds     stratified cross-validation folds, 0 to skip (default 5)\n" +
        "  --dry-run   train and print the figures without writing files";

    public Task<int> RunAsync(CliContext context, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var line = new CommandLine(args, ["dry-run"]);
        var which = line.Positional.Count > 0 ? line.Positional[0] : "all";
        if (which != "all" && !Definitions.ContainsKey(which))
        {
            throw new UsageException($"Unknown classifier '{which}'. Known: {string.Join(", ", Definitions.Keys)}, or all.");
        }

        var dataRoot = line.Get("data") ?? SharedData.Require(context.ContentRoot);
        var options = context.Services.GetService<IOptions<ClassifierOptions>>()?.Value ?? new ClassifierOptions();
        var outDir = AssistantPaths.Resolve(context.ContentRoot, line.Get("out") ?? options.Path);
        var failed = false;
        foreach (var name in which == "all" ? Definitions.Keys.ToArray() : [which])
        {
            var definition = Definitions[name]();
            var defaults = definition.DefaultOptions;
            var request = new TrainingRequest
            {
                Options = defaults with
                {
                    Rounds = line.GetInt("rounds", defaults.Rounds),
                    MaxDepth = line.GetInt("depth", defaults.MaxDepth),
                    LearningRate = (float)line.GetDouble("learning-rate", defaults.LearningRate),
                    Subsample = (float)line.GetDouble("subsample", defaults.Subsample),
                    ClassWeightPower = (float)line.GetDouble("class-weight-power", defaults.ClassWeightPower),
                    Seed = line.GetInt("seed", defaults.Seed),
                    MinChildWeight = (float)line.GetDouble("min-child-weight", defaults.MinChildWeight),
                    Lambda = (float)line.GetDouble("lambda", defaults.Lambda),
                    MaxBins = line.GetInt("bins", defaults.MaxBins),
                },
                CrossValidationFolds = line.GetInt("folds", 5),
                HeldOutShare = line.GetDouble("held-out", 0.2),
                MaxRows = line.Has("max-rows") ? line.GetInt("max-rows", 0) : null,
            };

            var data = definition.Load(dataRoot);
            var trained = ClassifierTrainer.Train(definition, data, request, context.Out.WriteLine, cancellationToken);
            context.Out.WriteLine($"  trained in {trained.Elapsed.TotalSeconds:F1} s, {trained.Models.Sum(m => m.Trees.Count)} trees, {trained.Onnx.Length / 1024.0:F0} KiB ONNX");
            if (!trained.ExportCheck.Passed)
            {
                context.Error.WriteLine($"error: the exported {name} model disagrees with the C# model ({trained.ExportCheck}); nothing written.");
                failed = true;
                continue;
            }

            if (line.Has("dry-run"))
            {
                continue;
            }

            Directory.CreateDirectory(outDir);
            var onnxPath = Path.Combine(outDir, trained.Manifest.Model);
            var manifestPath = Path.Combine(outDir, $"{name}.json");
            File.WriteAllBytes(onnxPath, trained.Onnx);
            trained.Manifest.Save(manifestPath);
            context.Out.WriteLine($"  wrote {onnxPath} and {manifestPath}");
        }

        return Task.FromResult(failed ? 1 : 0);
    }
}
