using System.CommandLine;
using Assistant.Core;
using Assistant.Tools.Classifiers;
using Assistant.Tools.Classifiers.Training;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Assistant.Cli.Commands;

/// <summary>Trains the reference fault classifiers from the public data and writes model + manifest.</summary>
internal sealed class TrainClassifierCommand : Command
{
    private static readonly Dictionary<string, Func<ClassifierDefinition>> Definitions = new(StringComparer.Ordinal)
    {
        [MillingFailureDefinition.ClassifierName] = () => new MillingFailureDefinition(),
        [HydraulicConditionDefinition.ClassifierName] = () => new HydraulicConditionDefinition(),
    };

    private readonly CliContext _cli;
    private readonly Argument<string> _which = new Argument<string>("classifier")
    {
        Description = "which classifier to train",
        Arity = ArgumentArity.ZeroOrOne,
        DefaultValueFactory = _ => "all",
    }.AcceptOnlyFromAmong([.. Definitions.Keys, "all"]);

    private readonly Option<string?> _data = new("--data")
    {
        Description = "the public data folder (default: shared/data above the working directory, or $SHOPFLOOR_SHARED_DATA)",
        HelpName = "DIR",
    };

    private readonly Option<string?> _out = new("--out")
    {
        Description = "where to write <name>.onnx and <name>.json (default: the Classifiers:Path setting)",
        HelpName = "DIR",
    };

    private readonly Option<int?> _rounds = WholeNumber("--rounds", "boosting rounds");
    private readonly Option<int?> _depth = WholeNumber("--depth", "tree depth");
    private readonly Option<double?> _learningRate = Number("--learning-rate", "shrinkage per round");
    private readonly Option<double?> _subsample = Number("--subsample", "share of rows each tree sees");
    private readonly Option<double?> _classWeightPower = Number("--class-weight-power", "how strongly rare classes are weighted up");
    private readonly Option<double?> _minChildWeight = Number("--min-child-weight", "smallest hessian sum of a leaf");
    private readonly Option<double?> _lambda = Number("--lambda", "L2 penalty on leaf values");
    private readonly Option<int?> _bins = WholeNumber("--bins", "histogram bins per feature");
    private readonly Option<int?> _seed = WholeNumber("--seed", "random seed");

    private readonly Option<int> _folds = new("--folds")
    {
        Description = "stratified cross-validation folds, 0 to skip",
        DefaultValueFactory = _ => 5,
        CustomParser = CliOptions.WholeNumber,
    };

    private readonly Option<double> _heldOut = new("--held-out")
    {
        Description = "share of rows held out for the reported metrics",
        DefaultValueFactory = _ => 0.2,
        CustomParser = CliOptions.Number,
    };

    private readonly Option<int?> _maxRows = WholeNumber("--max-rows", "train on at most this many rows");
    private readonly Option<bool> _dryRun = new("--dry-run") { Description = "train and print the figures without writing files" };

    public TrainClassifierCommand(CliContext cli)
        : base("train-classifier", "Train a fault classifier (gradient-boosted trees) from labelled data, export it to ONNX with its manifest.")
    {
        _cli = cli;
        Arguments.Add(_which);
        Options.Add(_data);
        Options.Add(_out);
        Options.Add(_rounds);
        Options.Add(_depth);
        Options.Add(_learningRate);
        Options.Add(_subsample);
        Options.Add(_classWeightPower);
        Options.Add(_minChildWeight);
        Options.Add(_lambda);
        Options.Add(_bins);
        Options.Add(_seed);
        Options.Add(_folds);
        Options.Add(_heldOut);
        Options.Add(_maxRows);
        Options.Add(_dryRun);
        SetAction((parse, cancellationToken) => Task.FromResult(Run(parse, cancellationToken)));
    }

    private static Option<int?> WholeNumber(string name, string description) =>
        new(name) { Description = $"{description} (default: the classifier's own)", HelpName = "N", CustomParser = CliOptions.OptionalWholeNumber };

    private static Option<double?> Number(string name, string description) =>
        new(name) { Description = $"{description} (default: the classifier's own)", HelpName = "X", CustomParser = CliOptions.OptionalNumber };

    private static LabelledData Load(ClassifierDefinition definition, string dataRoot)
    {
        try
        {
            return definition.Load(dataRoot);
        }
        catch (Exception ex) when (ex is FormatException or IndexOutOfRangeException)
        {
            // The training readers stop at the first bad cell without naming the file: name it here.
            throw new InvalidDataException($"{Path.Combine(dataRoot, definition.DataSource)}: a row is malformed ({ex.Message}).", ex);
        }
    }

    private int Run(ParseResult parse, CancellationToken cancellationToken)
    {
        var context = _cli;
        var which = parse.GetRequiredValue(_which);
        var dataRoot = parse.GetValue(_data) ?? SharedData.Require(context.ContentRoot);
        var options = context.Services.GetService<IOptions<ClassifierOptions>>()?.Value ?? new ClassifierOptions();
        var outDir = AssistantPaths.Resolve(context.ContentRoot, parse.GetValue(_out) ?? options.Path);
        var failed = false;
        foreach (var name in which == "all" ? Definitions.Keys.ToArray() : [which])
        {
            var definition = Definitions[name]();
            var defaults = definition.DefaultOptions;
            var request = new TrainingRequest
            {
                Options = defaults with
                {
                    Rounds = parse.GetValue(_rounds) ?? defaults.Rounds,
                    MaxDepth = parse.GetValue(_depth) ?? defaults.MaxDepth,
                    LearningRate = (float?)parse.GetValue(_learningRate) ?? defaults.LearningRate,
                    Subsample = (float?)parse.GetValue(_subsample) ?? defaults.Subsample,
                    ClassWeightPower = (float?)parse.GetValue(_classWeightPower) ?? defaults.ClassWeightPower,
                    Seed = parse.GetValue(_seed) ?? defaults.Seed,
                    MinChildWeight = (float?)parse.GetValue(_minChildWeight) ?? defaults.MinChildWeight,
                    Lambda = (float?)parse.GetValue(_lambda) ?? defaults.Lambda,
                    MaxBins = parse.GetValue(_bins) ?? defaults.MaxBins,
                },
                CrossValidationFolds = parse.GetValue(_folds),
                HeldOutShare = parse.GetValue(_heldOut),
                MaxRows = parse.GetValue(_maxRows),
            };

            var data = Load(definition, dataRoot);
            var trained = ClassifierTrainer.Train(definition, data, request, context.Out.WriteLine, cancellationToken);
            context.Out.WriteLine($"  trained in {trained.Elapsed.TotalSeconds:F1} s, {trained.Models.Sum(m => m.Trees.Count)} trees, {trained.Onnx.Length / 1024.0:F0} KiB ONNX");
            if (!trained.ExportCheck.Passed)
            {
                context.Error.WriteLine($"error: the exported {name} model disagrees with the C# model ({trained.ExportCheck}); nothing written.");
                failed = true;
                continue;
            }

            if (parse.GetValue(_dryRun))
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

        return failed ? 1 : 0;
    }
}
