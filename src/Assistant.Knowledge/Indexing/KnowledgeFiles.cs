using System.Text;
using System.Text.RegularExpressions;

namespace Assistant.Knowledge.Indexing;

/// <summary>A source file found under the knowledge root.</summary>
/// <param name="Source">Path relative to the root, '/' separated: the passage's <c>Source</c>.</param>
public sealed record KnowledgeFile(string Source, string FullPath, long Size, long ModifiedTicks);

/// <summary>Lists the files ingestion reads: those a reader takes, minus the exclude globs and hidden entries.</summary>
public sealed class KnowledgeFiles
{
    private readonly string _root;
    private readonly IReadOnlyCollection<string> _extensions;
    private readonly Regex[] _exclude;

    public KnowledgeFiles(string root, IReadOnlyCollection<string> extensions, IEnumerable<string> exclude)
    {
        _root = root;
        _extensions = extensions;
        _exclude = exclude.Select(GlobToRegex).ToArray();
    }

    public List<KnowledgeFile> Scan()
    {
        if (!Directory.Exists(_root))
        {
            throw new DirectoryNotFoundException($"The knowledge folder {_root} does not exist; set Knowledge:Root to the folder with the plant's manuals and incident logs.");
        }

        var files = new List<KnowledgeFile>();
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.Hidden | FileAttributes.System, IgnoreInaccessible = true };
        foreach (var path in Directory.EnumerateFiles(_root, "*", options))
        {
            var source = Path.GetRelativePath(_root, path).Replace('\\', '/');
            if (source.Split('/').Any(segment => segment.StartsWith('.')) ||
                !_extensions.Contains(Path.GetExtension(path).ToLowerInvariant()) ||
                IsExcluded(source))
            {
                continue;
            }

            var info = new FileInfo(path);
            files.Add(new KnowledgeFile(source, path, info.Length, info.LastWriteTimeUtc.Ticks));
        }

        files.Sort((a, b) => string.CompareOrdinal(a.Source, b.Source));
        return files;
    }

    public bool IsExcluded(string source) => _exclude.Any(r => r.IsMatch(source));

    private static Regex GlobToRegex(string glob)
    {
        var pattern = new StringBuilder("^");
        var g = glob.Replace('\\', '/').TrimStart('/');
        for (var i = 0; i < g.Length; i++)
        {
            var c = g[i];
            if (c == '*' && i + 1 < g.Length && g[i + 1] == '*')
            {
                var slash = i + 2 < g.Length && g[i + 2] == '/';
                pattern.Append(slash ? "(?:.*/)?" : ".*");
                i += slash ? 2 : 1;
            }
            else if (c == '*')
            {
                pattern.Append("[^/]*");
            }
            else if (c == '?')
            {
                pattern.Append("[^/]");
            }
            else
            {
                pattern.Append(Regex.Escape(c.ToString()));
            }
        }

        return new Regex(pattern.Append('$').ToString(), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    }
}
