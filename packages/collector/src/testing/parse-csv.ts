/**
 * A strict RFC 4180 reader for tests: records end with CRLF, cells are separated by commas, a
 * quoted cell may hold commas, CR, LF and doubled quotes. Anything RFC 4180 does not allow (a
 * quote inside an unquoted cell, text after a closing quote, a bare line break, records of
 * different lengths) throws, so a test using it proves the file is well formed.
 *
 * @example
 * parseCsv('a,"b,""c"""\r\n') // [['a', 'b,"c"']]
 */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let cell = '';
  let quoted = false;
  let closed = false;
  const endCell = () => {
    record.push(cell);
    cell = '';
    closed = false;
  };
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    if (quoted) {
      if (char !== '"') cell += char;
      else if (text[i + 1] === '"') cell += text[++i];
      else {
        quoted = false;
        closed = true;
      }
      continue;
    }
    if (char === ',') endCell();
    else if (char === '\r' && text[i + 1] === '\n') {
      endCell();
      records.push(record);
      record = [];
      i++;
    } else if (closed) throw new Error(`text after a closing quote at ${i}`);
    else if (char === '"') {
      if (cell !== '') throw new Error(`a quote inside an unquoted cell at ${i}`);
      quoted = true;
    } else if (char === '\r' || char === '\n') throw new Error(`a bare line break outside quotes at ${i}`);
    else cell += char;
  }
  if (quoted) throw new Error('a quoted cell is never closed');
  if (cell !== '' || closed || record.length > 0) {
    endCell();
    records.push(record);
  }
  const width = records[0]?.length;
  records.forEach((row, i) => {
    if (row.length !== width) throw new Error(`record ${i} has ${row.length} cells, the first has ${width}`);
  });
  return records;
}
