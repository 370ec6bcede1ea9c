using System.Globalization;

namespace Assistant.Tools.Classifiers.Training;

/// <summary>
/// Condition of a hydraulic press's cooler, valve, pump and accumulator from one 60-second load cycle, learned from the
/// UCI hydraulic test rig (Helwig, Pignanelli, Schütze, doi 10.24432/C5CW21, CC BY 4.0). Inputs are per-cycle summaries
/// of the eight 1 Hz channels; <see cref="HydraulicCycleFeatures"/> computes them from a cycle's samples.
/// </summary>
public sealed class HydraulicConditionDefinition : ClassifierDefinition
{
    public const string ClassifierName = "hydraulic-condition";

    public override string Name => ClassifierName;

    public override string Version => "1.0.0";

    public override string Description =>
        "Condition of the hydraulic unit's cooler, switching valve, main pump (internal leakage) and accumulator, " +
        "from summaries of one 60-second load cycle of temperatures, vibration, cooling efficiency and power, and efficiency factor.";

    public override IReadOnlyList<string> MachineTypes => ["hydraulic-press"];

    public override IReadOnlyList<FeatureTemplate> Features => HydraulicCycleFeatures.Features;

    public override IReadOnlyList<TargetTemplate> Targets =>
    [
        new("cooler", "Cooler condition (% of full cooling efficiency).",
        [
            new ClassSpec(3, "cooler_close_to_failure", "Cooler at about 3 % efficiency: close to total failure; the oil will overheat. Inspect fan, fins and coolant flow now."),
            new ClassSpec(20, "cooler_reduced", "Cooler at about 20 % efficiency: reduced; clean the cooler and check the fan at the next stop."),
            new ClassSpec(100, "cooler_full", "Cooler at full efficiency.", Normal: true),
        ]),
        new("valve", "Switching valve condition (% of optimal switching behaviour).",
        [
            new ClassSpec(73, "valve_close_to_failure", "Valve close to total failure: switching lags badly; plan a valve change."),
            new ClassSpec(80, "valve_severe_lag", "Valve switches with severe lag; check the pilot pressure and the spool."),
            new ClassSpec(90, "valve_small_lag", "Valve switches with a small lag; watch it."),
            new ClassSpec(100, "valve_optimal", "Valve switches optimally.", Normal: true),
        ]),
        new("pump_leakage", "Internal leakage of the main pump.",
        [
            new ClassSpec(0, "pump_no_leakage", "No internal pump leakage.", Normal: true),
            new ClassSpec(1, "pump_weak_leakage", "Weak internal leakage: the pump is wearing; plan an inspection."),
            new ClassSpec(2, "pump_severe_leakage", "Severe internal leakage: pump output is falling; plan a pump overhaul."),
        ]),
        new("accumulator", "Hydraulic accumulator pre-charge pressure (bar).",
        [
            new ClassSpec(90, "accumulator_close_to_failure", "Accumulator at about 90 bar: close to total failure; recharge or replace the bladder."),
            new ClassSpec(100, "accumulator_severely_reduced", "Accumulator at about 100 bar: severely reduced pressure; recharge it."),
            new ClassSpec(115, "accumulator_slightly_reduced", "Accumulator at about 115 bar: slightly reduced pressure; check the pre-charge."),
            new ClassSpec(130, "accumulator_optimal", "Accumulator at optimal pressure (about 130 bar).", Normal: true),
        ]),
    ];

    public override string DataDescription =>
        "Condition monitoring of hydraulic systems (UCI 447), N. Helwig, E. Pignanelli, A. Schütze, doi 10.24432/C5CW21, CC BY 4.0: 2,205 load cycles of a real test rig";

    public override string DataSource => "uci-hydraulic/{TS1,TS2,TS3,TS4,VS1,CE,CP,SE,profile}.txt";

    public override GradientBoostingOptions DefaultOptions => new()
    {
        Rounds = 100,
        LearningRate = 0.1f,
        MaxDepth = 4,
        MinChildWeight = 1f,
        Subsample = 0.8f,
        ClassWeightPower = 0f,
        Seed = 42,
    };

    public override LabelledData Load(string sharedDataRoot)
    {
        var folder = Path.Combine(sharedDataRoot, "uci-hydraulic");
        var channels = HydraulicCycleFeatures.Channels.Select(ch => ReadMatrix(Path.Combine(folder, ch.File))).ToArray();
        var profile = ReadMatrix(Path.Combine(folder, "profile.txt"));
        var cycles = profile.Length;
        if (channels.Any(c => c.Length != cycles))
        {
            throw new InvalidDataException($"The channel files in {folder} do not all have {cycles} cycles.");
        }

        var targets = Targets;
        var rows = new List<float[]>(cycles);
        var labels = new List<int[]>(cycles);
        var strata = new List<int>(cycles);
        for (var cycle = 0; cycle < cycles; cycle++)
        {
            rows.Add(HydraulicCycleFeatures.Compute(channels.Select(c => c[cycle]).ToArray()));
            var label = new int[targets.Count];
            var stratum = 0;
            for (var t = 0; t < targets.Count; t++)
            {
                var code = (long)Math.Round(profile[cycle][t]);
                label[t] = targets[t].Classes.ToList().FindIndex(c => c.Code == code);
                if (label[t] < 0)
                {
                    throw new InvalidDataException($"Cycle {cycle + 1}: {targets[t].Name} code {code} is not a known class.");
                }

                stratum = stratum * 8 + label[t];
            }

            labels.Add(label);
            strata.Add(stratum);
        }

        return new LabelledData(rows, labels, strata,
        [
            "Only the eight 1 Hz channels are used (TS1-4, VS1, CE, CP, SE); the 10 Hz flow and 100 Hz pressure channels are not in the shared copy.",
            "Per channel and cycle: mean, standard deviation, minimum, maximum and slope (least-squares trend per second) of the 60 samples.",
            "The held-out split is stratified on the combination of the four conditions. Cycles close in time look alike, so held-out figures are optimistic for a different rig.",
            "The stable flag (column 5 of profile.txt) is not used; all 2,205 cycles are kept.",
        ]);
    }

    private static float[][] ReadMatrix(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The hydraulic rig data file {path} was not found.", path);
        }

        return File.ReadLines(path)
            .Where(l => l.Length > 0)
            .Select(l => l.Split('\t', StringSplitOptions.RemoveEmptyEntries).Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray())
            .ToArray();
    }
}

/// <summary>Per-cycle summaries of the hydraulic unit's 1 Hz channels: what the press's controller can log every cycle.</summary>
public static class HydraulicCycleFeatures
{
    public sealed record Channel(string File, string Name, string Unit, string What, AlternateUnit? Alternate = null);

    public static readonly IReadOnlyList<Channel> Channels =
    [
        new("TS1.txt", "oil_temperature_1", "°C", "Oil temperature, sensor 1", new AlternateUnit("K", 1, -273.15)),
        new("TS2.txt", "oil_temperature_2", "°C", "Oil temperature, sensor 2", new AlternateUnit("K", 1, -273.15)),
        new("TS3.txt", "oil_temperature_3", "°C", "Oil temperature, sensor 3", new AlternateUnit("K", 1, -273.15)),
        new("TS4.txt", "oil_temperature_4", "°C", "Oil temperature, sensor 4", new AlternateUnit("K", 1, -273.15)),
        new("VS1.txt", "vibration", "mm/s", "Pump vibration velocity"),
        new("CE.txt", "cooling_efficiency", "%", "Cooling efficiency (computed)"),
        new("CP.txt", "cooling_power", "kW", "Cooling power (computed)", new AlternateUnit("W", 0.001)),
        new("SE.txt", "efficiency_factor", "%", "System efficiency factor"),
    ];

    public static readonly IReadOnlyList<string> Statistics = ["mean", "std", "min", "max", "slope"];

    public static IReadOnlyList<FeatureTemplate> Features { get; } =
        Channels.SelectMany(ch => Statistics.Select(stat => new FeatureTemplate(
            $"{ch.Name}_{stat}",
            stat == "slope" ? $"{ch.Unit}/s" : ch.Unit,
            stat switch
            {
                "mean" => $"{ch.What}: mean over the cycle.",
                "std" => $"{ch.What}: standard deviation over the cycle.",
                "min" => $"{ch.What}: lowest value in the cycle.",
                "max" => $"{ch.What}: highest value in the cycle.",
                _ => $"{ch.What}: trend over the cycle (least-squares slope per second).",
            },
            // An offset (K to °C) only applies to levels, not to spreads or trends.
            AlternateUnits: ch.Alternate is null || (ch.Alternate.Offset != 0 && stat is "std" or "slope") ? null : [ch.Alternate]))).ToArray();

    /// <summary>Features of one cycle from each channel's samples (one per second), in <see cref="Channels"/> order.</summary>
    public static float[] Compute(IReadOnlyList<float[]> channelSamples)
    {
        if (channelSamples.Count != Channels.Count)
        {
            throw new ArgumentException($"A cycle needs {Channels.Count} channels ({string.Join(", ", Channels.Select(c => c.Name))}); {channelSamples.Count} were given.");
        }

        var features = new float[Channels.Count * Statistics.Count];
        for (var c = 0; c < Channels.Count; c++)
        {
            var x = channelSamples[c];
            if (x.Length < 2)
            {
                throw new ArgumentException($"Channel {Channels[c].Name} has {x.Length} samples; a cycle needs at least 2.");
            }

            double mean = x.Average(v => (double)v);
            double variance = x.Sum(v => (v - mean) * (v - mean)) / x.Length;
            double tMean = (x.Length - 1) / 2.0;
            double covariance = 0, tVariance = 0;
            for (var t = 0; t < x.Length; t++)
            {
                covariance += (t - tMean) * (x[t] - mean);
                tVariance += (t - tMean) * (t - tMean);
            }

            var o = c * Statistics.Count;
            features[o] = (float)mean;
            features[o + 1] = (float)Math.Sqrt(variance);
            features[o + 2] = x.Min();
            features[o + 3] = x.Max();
            features[o + 4] = (float)(covariance / tVariance);
        }

        return features;
    }
}
