using System.Text;

namespace Assistant.Knowledge.Reading;

/// <summary>An RFC 4180 record with the lines it spans (a quoted field may hold line breaks).</summary>
public sealed record CsvRecord(IReadOnlyList<string> Fields, int LineStart, int LineEnd);

/// <summary>RFC 4180 CSV: comma separated, fields optionally in double quotes, "" for a quote inside one.</summary>
public static class CsvRecords
{
    public static List<CsvRecord> Parse(string text, string source)
    {
        var records = new List<CsvRecord>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var line = 1;
        var recordStart = 1;
        var quoted = false;
        var quoteOpenedOn = 0;
        var fieldStarted = false;

        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"')
                {
                    if (i + 1 < text.Length && text[i + 1] == '"')
                    {
                        field.Append('"');
                        i++;
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else
                {
                    if (c == '\n')
                    {
                        line++;
                    }

                    if (c != '\r')
                    {
                        field.Append(c);
                    }
                }

                continue;
            }

            switch (c)
            {
                case '"' when field.Length == 0 && !fieldStarted:
                    quoted = true;
                    fieldStarted = true;
                    quoteOpenedOn = line;
                    break;
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    fieldStarted = false;
                    break;
                case '\r':
                    break;
                case '\n':
                    EndRecord();
                    line++;
                    recordStart = line;
                    break;
                default:
                    field.Append(c);
                    fieldStarted = true;
                    break;
            }
        }

        if (quoted)
        {
            throw new InvalidDataException($"{source}: the quoted field opened on line {quoteOpenedOn} is never closed.");
        }

        EndRecord();
        return records;

        void EndRecord()
        {
            if (fields.Count == 0 && field.Length == 0 && !fieldStarted)
            {
                return; // blank line
            }

            fields.Add(field.ToString());
            records.Add(new CsvRecord(fields.ToArray(), recordStart, line));
            fields.Clear();
            field.Clear();
            fieldStarted = false;
        }
    }
}
