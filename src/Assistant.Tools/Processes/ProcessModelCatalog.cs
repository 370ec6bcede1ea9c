using System.Text.Json;
using System.Text.Json.Serialization;
using Assistant.Tools.Processes.Kinetics;
using Assistant.Tools.Processes.ResponseSurfaces;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Assistant.Tools.Processes;

/// <summary>A model file that could not be loaded, and why: shown to whoever asks for that process.</summary>
public sealed record ProcessModelProblem(string Path, string Message);

/// <summary>
/// The process models in the models folder, loaded once: every <c>*.json</c> file is one process. A broken file
/// is logged and reported as a problem without taking the other processes down.
/// </summary>
public sealed class ProcessModelCatalog
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    private readonly Dictionary<string, ProcessModel> _models;

    public ProcessModelCatalog(IEnumerable<ProcessModel> models, IEnumerable<ProcessModelProblem>? problems = null)
    {
        _models = new Dictionary<string, ProcessModel>(StringComparer.OrdinalIgnoreCase);
        foreach (var model in models)
        {
            if (!_models.TryAdd(model.Name, model))
            {
                throw new InvalidDataException($"Two process models are named '{model.Name}': {_models[model.Name].SourcePath} and {model.SourcePath}.");
            }
        }

        Problems = problems?.ToList() ?? [];
    }

    public IReadOnlyCollection<ProcessModel> Models => _models.Values.OrderBy(m => m.Name, StringComparer.Ordinal).ToList();

    public IReadOnlyList<string> Names => _models.Keys.Order(StringComparer.Ordinal).ToList();

    public IReadOnlyList<ProcessModelProblem> Problems { get; }

    public bool TryGet(string name, out ProcessModel model) => _models.TryGetValue(name, out model!);

    /// <summary>
    /// The named model (or the model of the named machine, e.g. <c>BR-1</c>), or an error listing the processes
    /// there are and any that failed to load.
    /// </summary>
    public ProcessModel Get(string name)
    {
        if (_models.TryGetValue(name ?? "", out var model))
        {
            return model;
        }

        var byMachine = _models.Values
            .Where(m => m.Definition.Machines?.Contains(name ?? "", StringComparer.OrdinalIgnoreCase) == true)
            .ToList();
        if (byMachine.Count == 1)
        {
            return byMachine[0];
        }

        var known = _models.Count > 0 ? string.Join(", ", Names) : "none";
        var broken = Problems.Count > 0
            ? $" These model files failed to load: {string.Join("; ", Problems.Select(p => $"{System.IO.Path.GetFileName(p.Path)}: {p.Message}"))}."
            : "";
        throw new ProcessOptimizationException(
            ProcessOptimizationError.UnknownProcess,
            $"Unknown process '{name}'. Known processes: {known}.{broken}");
    }

    /// <summary>Loads every <c>*.json</c> in <paramref name="folder"/>; a missing folder is an empty catalog.</summary>
    public static ProcessModelCatalog LoadFolder(string folder, ILogger? logger = null)
    {
        logger ??= NullLogger.Instance;
        var models = new List<ProcessModel>();
        var problems = new List<ProcessModelProblem>();
        if (!Directory.Exists(folder))
        {
            logger.LogWarning("Process model folder {Folder} does not exist: no processes to optimise.", folder);
            return new ProcessModelCatalog(models, problems);
        }

        foreach (var path in Directory.EnumerateFiles(folder, "*.json").Order(StringComparer.Ordinal))
        {
            if (path.EndsWith(FitReport.Suffix, StringComparison.OrdinalIgnoreCase))
            {
                continue; // a fit report that belongs to a model file, not a model
            }

            try
            {
                models.Add(LoadModel(path));
            }
            catch (Exception ex) when (ex is InvalidDataException or JsonException or IOException)
            {
                logger.LogError("Process model {Path} not loaded: {Message}", path, ex.Message);
                problems.Add(new ProcessModelProblem(path, ex.Message));
            }
        }

        return new ProcessModelCatalog(models, problems);
    }

    /// <summary>Reads, checks and builds one model file.</summary>
    public static ProcessModel LoadModel(string path)
    {
        ProcessDefinition definition;
        try
        {
            using var stream = File.OpenRead(path);
            definition = JsonSerializer.Deserialize<ProcessDefinition>(stream, JsonOptions)
                ?? throw new InvalidDataException($"{path} is empty.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path} is not a valid process model: {ex.Message}", ex);
        }

        return Build(definition, path);
    }

    /// <summary>Checks a definition and builds the model its <see cref="ProcessDefinition.Type"/> names.</summary>
    public static ProcessModel Build(ProcessDefinition definition, string path)
    {
        Validate(definition, path);
        return definition.Type switch
        {
            ProcessDefinition.BatchReactorType => new BatchReactorModel(definition, path),
            ProcessDefinition.ResponseSurfaceType => BuildResponseSurface(definition, path),
            _ => throw new InvalidDataException(
                $"{path}: unknown model type '{definition.Type}'; use '{ProcessDefinition.BatchReactorType}' or '{ProcessDefinition.ResponseSurfaceType}'."),
        };
    }

    private static ResponseSurfaceModel BuildResponseSurface(ProcessDefinition definition, string path)
    {
        var spec = definition.ResponseSurface
            ?? throw new InvalidDataException($"{path}: a response-surface model needs a 'responseSurface' section naming its runs file.");
        var runsPath = System.IO.Path.GetFullPath(System.IO.Path.Combine(System.IO.Path.GetDirectoryName(path) ?? ".", spec.Runs));
        var runs = ProductionRunHistory.Load(runsPath, definition.Variables.Select(v => v.Name).Concat(definition.Kpis.Select(k => k.Name)));
        try
        {
            return new ResponseSurfaceModel(definition, path, runs);
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidDataException($"{path}: cannot fit {runsPath}: {ex.Message}", ex);
        }
    }

    private static void Validate(ProcessDefinition d, string path)
    {
        void Require(bool condition, string message)
        {
            if (!condition)
            {
                throw new InvalidDataException($"{path}: {message}");
            }
        }

        Require(!string.IsNullOrWhiteSpace(d.Name), "'name' is required.");
        Require(d.Variables is { Count: > 0 }, "'variables' must list at least one setpoint.");
        Require(d.Kpis is { Count: > 0 }, "'kpis' must list at least one KPI.");
        Require(d.Objectives is { Count: > 0 }, "'objectives' must list at least one objective.");
        Require(d.Variables.Select(v => v.Name).Distinct(StringComparer.OrdinalIgnoreCase).Count() == d.Variables.Count, "variable names must be unique.");
        Require(d.Kpis.Select(k => k.Name).Distinct(StringComparer.OrdinalIgnoreCase).Count() == d.Kpis.Count, "KPI names must be unique.");
        foreach (var v in d.Variables)
        {
            Require(double.IsFinite(v.SafeMin) && double.IsFinite(v.SafeMax) && v.SafeMin < v.SafeMax,
                $"variable '{v.Name}' needs safeMin < safeMax (got {v.SafeMin} and {v.SafeMax}).");
            Require(v.Current >= v.SafeMin && v.Current <= v.SafeMax,
                $"variable '{v.Name}': current setpoint {v.Current} {v.Unit} is outside its safe limits {v.SafeMin}–{v.SafeMax} {v.Unit}.");
        }

        foreach (var o in d.Objectives)
        {
            Require((o.Kpi is null) != (o.Terms is null), $"objective '{o.Name}' needs either 'kpi' or 'terms', not both.");
            foreach (var kpi in o.Kpi is null ? o.Terms!.Keys : [o.Kpi])
            {
                Require(d.KpiIndex(kpi) >= 0, $"objective '{o.Name}' uses KPI '{kpi}', which is not in 'kpis'.");
            }

            Require(o.Terms is null || o.Unit is not null, $"objective '{o.Name}' is a weighted sum: give it a 'unit'.");
        }

        foreach (var c in d.Constraints ?? [])
        {
            Require(d.KpiIndex(c.Kpi) >= 0, $"constraint on '{c.Kpi}': no such KPI in 'kpis'.");
            Require(c.Min is not null || c.Max is not null, $"constraint on '{c.Kpi}' needs 'min' or 'max'.");
        }
    }
}
