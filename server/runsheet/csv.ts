/**
 * CSV by RFC 4180, both ways. We read CSV ourselves rather than through exceljs's `csv.read`: that one
 * turns every numeric-looking field into a float (SKU "00123" becomes 123, a 19-digit 货号 loses digits,
 * "129.90" loses the text we parse exactly), and only decodes UTF-8, while Excel on a Chinese Windows
 * saves "CSV" in GB18030. Here every field stays the text that was written.
 */

/** Text of a CSV file: UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 as Excel writes it. */
export function decodeCsv(bytes: Uint8Array): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return new TextDecoder('utf-8').decode(bytes.subarray(3));
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('gb18030').decode(bytes);
  }
}

/** The delimiter of the first line: comma, unless tabs or semicolons clearly outnumber commas. */
function sniffDelimiter(text: string): string {
  const firstLine = text.slice(0, text.search(/\r|\n|$/));
  const count = (ch: string) => firstLine.split(ch).length - 1;
  const [best] = [',', '\t', ';'].sort((a, b) => count(b) - count(a));
  return count(best) > 0 ? best : ',';
}

/**
 * Parses CSV text into records of fields. Quoted fields may hold the delimiter, `""` and line breaks;
 * records end at CRLF, LF or CR. A record is numbered by its place in the file (1-based), the row
 * number a spreadsheet shows, not the physical line.
 */
export function parseCsv(text: string, delimiter = sniffDelimiter(text)): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  const endField = () => {
    record.push(field);
    field = '';
  };
  const endRecord = () => {
    endField();
    records.push(record);
    record = [];
  };
  while (i < text.length) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        field += ch;
      }
      i++;
      continue;
    }
    if (ch === '"' && field === '') quoted = true;
    else if (ch === delimiter) endField();
    else if (ch === '\r' || ch === '\n') {
      endRecord();
      if (ch === '\r' && text[i + 1] === '\n') i++;
    } else field += ch;
    i++;
  }
  if (field !== '' || record.length > 0) endRecord();
  return records;
}

/** Excel writes `="00123"` to keep leading zeros; the field means 00123. */
export function unwrapExcelText(field: string): string {
  const m = /^="(.*)"$/s.exec(field);
  return m ? m[1].replace(/""/g, '"') : field;
}
