using Assistant.Onnx;
using Microsoft.ML.OnnxRuntime;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Assistant.Tools.Classifiers;

/// <summary>A classifier that could not be loaded, and why.</summary>
public sealed record ClassifierLoadProblem(string File, string Message);

/// <summary>
/// The plant's fault classifiers: every <c>&lt;name&gt;.json</c> manifest in the folder with its ONNX model. A manifest
/// that cannot be read or does not match its model is refused (logged and listed in <see cref="Problems"/>); the
/// others still load.
/// </summary>
public sealed class FaultClassifierRegistry : IDisposable
{
    private readonly Dictionary<string, FaultClassifier> _classifiers;

    public FaultClassifierRegistry(string folder, OnnxSessionFactory? sessions = null, OnnxSessionSettings? sessionSettings = null, ILogger<FaultClassifierRegistry>? logger = null)
    {
        logger ??= NullLogger<FaultClassifierRegistry>.Instance;
        Folder = folder;
        _classifiers = new Dictionary<string, FaultClassifier>(StringComparer.OrdinalIgnoreCase);
        var problems = new List<ClassifierLoadProblem>();
        if (!Directory.Exists(folder))
        {
            problems.Add(new ClassifierLoadProblem(folder, $"The classifier folder {folder} does not exist: no fault classifiers are available."));
        }
        else
        {
            foreach (var manifestPath in Directory.EnumerateFiles(folder, "*.json").Order(StringComparer.Ordinal))
            {
                try
                {
                    var manifest = ClassifierManifest.Load(manifestPath);
                    if (_classifiers.ContainsKey(manifest.Name))
                    {
                        throw new InvalidDataException($"{manifestPath}: another manifest already defines a classifier named '{manifest.Name}'.");
                    }

                    _classifiers[manifest.Name] = FaultClassifier.Open(manifest, manifestPath, sessions, sessionSettings);
                    logger.LogDebug("Loaded fault classifier {Name} {Version} from {Path}", manifest.Name, manifest.Version, manifestPath);
                }
                catch (Exception ex) when (ex is InvalidDataException or OnnxRuntimeException or FileNotFoundException or IOException or UnauthorizedAccessException)
                {
                    problems.Add(new ClassifierLoadProblem(manifestPath, ex.Message));
                    logger.LogError("Fault classifier refused: {Message}", ex.Message);
                }
            }
        }

        Problems = problems;
    }

    public string Folder { get; }

    public IReadOnlyCollection<FaultClassifier> Classifiers => _classifiers.Values;

    public IReadOnlyList<ClassifierLoadProblem> Problems { get; }

    public FaultClassifier? Find(string name) => _classifiers.GetValueOrDefault(name);

    public FaultClassifier Get(string name) =>
        Find(name) ?? throw new ArgumentException(
            $"There is no fault classifier '{name}'. Loaded: {(_classifiers.Count == 0 ? "none" : string.Join(", ", _classifiers.Keys))}." +
            (Problems.Count > 0 ? $" Refused at startup: {string.Join(" ", Problems.Select(p => p.Message))}" : ""));

    public void Dispose()
    {
        foreach (var classifier in _classifiers.Values)
        {
            classifier.Dispose();
        }
    }
}
