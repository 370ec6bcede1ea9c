using System.Diagnostics;
using System.Text;
using Assistant.Core.Knowledge;
using Microsoft.Data.Sqlite;

namespace Assistant.Knowledge.Tests;

/// <summary>
/// Kills a real ingestion process half-way (SIGKILL, no chance to clean up) and checks that the index it leaves opens,
/// answers, holds every file either wholly old or wholly new, and that the next run completes it without redoing
/// the files already committed.
/// </summary>
public sealed class IngestionKillTests : IDisposable
{
    private const int OldFiles = 40;
    private const int NewFiles = 240;

    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Killed_ingestion_leaves_a_usable_index_and_the_next_run_completes_it()
    {
        var root = _temp.Combine("corpus");
        var indexPath = _temp.Combine("index", "knowledge.db");

        // The previous index: 40 manuals at revision 1.
        WriteManuals(root, "zz-old", OldFiles, revision: 1);
        var before = KnowledgeBase.Open(KnowledgeSettings.For(root, indexPath));
        await before.Ingestor.IngestAsync();
        SqliteConnection.ClearAllPools();

        // Then a big update: 360 new manuals, and the old 40 rewritten at revision 2 (they sort last).
        WriteManuals(root, "doc", NewFiles, revision: 2);
        WriteManuals(root, "zz-old", OldFiles, revision: 2);

        using var child = StartIngestionProcess(root, indexPath);
        var killedWhileRunning = await KillOnceSomeFilesAreCommittedAsync(child, indexPath, committed: 10);
        Assert.True(killedWhileRunning, "the ingestion process finished before it could be killed; " + await child.StandardError.ReadToEndAsync());
        SqliteConnection.ClearAllPools();

        // The index it left behind opens and is consistent...
        using (var connection = new SqliteConnection($"Data Source={indexPath}"))
        {
            connection.Open();
            using var check = connection.CreateCommand();
            check.CommandText = "PRAGMA integrity_check;";
            Assert.Equal("ok", check.ExecuteScalar());
            check.CommandText = "INSERT INTO passages_fts(passages_fts, rank) VALUES ('integrity-check', 0);";
            check.ExecuteNonQuery();

            var sources = ReadSources(connection);
            Assert.InRange(sources.Count(s => s.Revision == 2), 10, OldFiles + NewFiles - 1);
            Assert.Contains(sources, s => s.Revision == 1);
            Assert.All(sources, s => Assert.True(s.Consistent, $"{s.Source} is half written: {s.Passages} passages, documents row says {s.Expected}"));
        }

        // ...and answers: the old revision of the untouched files and the new files already committed.
        var afterKill = KnowledgeBase.Open(KnowledgeSettings.For(root, indexPath));
        Assert.NotEmpty(await afterKill.Index.SearchAsync(new SearchQuery("rev1marker pump", 5)));
        Assert.NotEmpty(await afterKill.Index.SearchAsync(new SearchQuery("rev2marker pump", 5)));
        Assert.True(await afterKill.Ingestor.IsStaleAsync());

        // The next run completes it and reads only what was not committed.
        var report = await afterKill.Ingestor.IngestAsync();
        Assert.Equal(OldFiles + NewFiles, report.FilesRead + report.FilesUnchanged);
        Assert.True(report.FilesUnchanged >= 10, $"{report.FilesUnchanged} files were kept from the killed run");
        Assert.False(await afterKill.Ingestor.IsStaleAsync());
        Assert.Equal(OldFiles + NewFiles, (await afterKill.Index.GetStatusAsync()).Documents);
        Assert.Empty(await afterKill.Index.SearchAsync(new SearchQuery("rev1marker", 5)));
    }

    private static Process StartIngestionProcess(string root, string indexPath)
    {
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        var start = new ProcessStartInfo(host)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(typeof(TestHostProgram).Assembly.Location);
        start.ArgumentList.Add("ingest");
        start.ArgumentList.Add(root);
        start.ArgumentList.Add(indexPath);
        return Process.Start(start) ?? throw new InvalidOperationException("could not start the ingestion process");
    }

    private static async Task<bool> KillOnceSomeFilesAreCommittedAsync(Process child, string indexPath, int committed)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            if (child.HasExited)
            {
                return false;
            }

            try
            {
                using var connection = new SqliteConnection($"Data Source={indexPath};Mode=ReadOnly;Pooling=False");
                connection.Open();
                using var count = connection.CreateCommand();
                count.CommandText = "SELECT count(*) FROM documents WHERE source LIKE 'doc-%';";
                if ((long)count.ExecuteScalar()! >= committed)
                {
                    child.Kill(entireProcessTree: true);
                    await child.WaitForExitAsync();
                    return true;
                }
            }
            catch (SqliteException)
            {
                // Busy for a moment while the writer checkpoints: look again.
            }

            await Task.Delay(5);
        }

        child.Kill(entireProcessTree: true);
        throw new TimeoutException("the ingestion process did not commit any file within 90 s");
    }

    private sealed record SourceState(string Source, int Passages, int Expected, int Revision, bool Consistent);

    private static List<SourceState> ReadSources(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT d.source, d.passages, count(p.rowid), sum(p.text LIKE '%rev1marker%'), sum(p.text LIKE '%rev2marker%')
            FROM documents d LEFT JOIN passages p ON p.source = d.source GROUP BY d.source;
            """;
        using var reader = command.ExecuteReader();
        var result = new List<SourceState>();
        while (reader.Read())
        {
            var expected = reader.GetInt32(1);
            var passages = reader.GetInt32(2);
            var rev1 = reader.GetInt32(3);
            var rev2 = reader.GetInt32(4);
            var consistent = passages == expected && passages > 0 && (rev1 == passages) != (rev2 == passages);
            result.Add(new SourceState(reader.GetString(0), passages, expected, rev2 == passages ? 2 : 1, consistent));
        }

        return result;
    }

    // Manuals from a made-up vocabulary: every passage carries its revision's marker word.
    private static void WriteManuals(string root, string prefix, int count, int revision)
    {
        string[] parts = ["pump", "valve", "seal", "filter", "bearing", "motor", "sensor", "hose", "clamp", "guard", "drive", "belt"];
        string[] verbs = ["check", "replace", "clean", "tighten", "inspect", "adjust", "lubricate", "measure"];
        var random = new Random(revision * 7919 + prefix.Length);
        Directory.CreateDirectory(root);
        for (var f = 0; f < count; f++)
        {
            var text = new StringBuilder($"---\ntitle: Unit {prefix} {f}\n---\n# Unit {prefix}-{f} manual\n\n");
            for (var s = 0; s < 8; s++)
            {
                text.Append($"## Section {s} {parts[random.Next(parts.Length)]}\n\n");
                for (var p = 0; p < 3; p++)
                {
                    text.Append($"rev{revision}marker ");
                    for (var w = 0; w < 40; w++)
                    {
                        text.Append(verbs[random.Next(verbs.Length)]).Append(" the ").Append(parts[random.Next(parts.Length)])
                            .Append(random.Next(4) == 0 ? $" at {random.Next(10, 400)} bar. " : " ");
                    }

                    text.Append("\n\n");
                }

                text.Append($"1. rev{revision}marker stop the unit\n2. {verbs[s % verbs.Length]} the {parts[s % parts.Length]}\n3. restart\n\n");
            }

            File.WriteAllText(Path.Combine(root, $"{prefix}-{f:D4}.md"), text.ToString());
        }
    }
}
