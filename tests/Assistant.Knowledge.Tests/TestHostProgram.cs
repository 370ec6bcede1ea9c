using Assistant.Knowledge;

namespace Assistant.Knowledge.Tests;

/// <summary>
/// Entry point used when a test starts this assembly as its own process (<c>dotnet Assistant.Knowledge.Tests.dll ingest ROOT INDEX</c>):
/// a real ingestion in a real process, which the kill test then kills.
/// </summary>
public static class TestHostProgram
{
    public static async Task<int> Main(string[] args)
    {
        if (args is ["ingest", var root, var index])
        {
            var knowledge = KnowledgeBase.Open(KnowledgeSettings.For(root, index));
            var report = await knowledge.Ingestor.IngestAsync();
            Console.WriteLine($"{report.FilesRead} files read");
            return 0;
        }

        Console.Error.WriteLine("usage: ingest ROOT INDEX");
        return 2;
    }
}
