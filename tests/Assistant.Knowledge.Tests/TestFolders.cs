using Assistant.Core;
using Assistant.Knowledge.Evaluation;

namespace Assistant.Knowledge.Tests;

/// <summary>A temporary folder per test, deleted afterwards; fixtures are copied in so tests may change them.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "knowledge-tests-" + Guid.NewGuid().ToString("n")[..12]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    /// <summary>Copies the small sample plant (Fixtures/plant) into <c>knowledge/</c> here and returns that folder.</summary>
    public string WithPlantFixture()
    {
        var target = Combine("knowledge");
        CopyDirectory(System.IO.Path.Combine(AppContext.BaseDirectory, "Fixtures", "plant"), target);
        return target;
    }

    public KnowledgeBase OpenPlant(string? root = null) =>
        KnowledgeBase.Open(KnowledgeSettings.For(root ?? Combine("knowledge"), Combine("index", "knowledge.db")));

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A child process may still hold a handle for a moment; the OS temp cleaner gets it later.
        }
    }

    private static void CopyDirectory(string source, string target)
    {
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var destination = System.IO.Path.Combine(target, System.IO.Path.GetRelativePath(source, file));
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
    }
}

/// <summary>The LinuxCNC manual chapters in the shared public data (read in place, never copied into the repo).</summary>
public static class LinuxCncDocs
{
    public static string Root => SharedData.RequireDataSet("linuxcnc-docs", AppContext.BaseDirectory);

    public static string Read(string relative) => File.ReadAllText(System.IO.Path.Combine(Root, relative));
}
