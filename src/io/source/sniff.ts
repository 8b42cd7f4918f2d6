/**
 * The dialect of a CSV export, guessed from its first bytes: which separator, whether Excel's
 * `sep=;` line comes first, whether a UTF-8 byte-order mark does.
 */
export interface Dialect {
  readonly delimiter: string;
  readonly sepLine: boolean;
  readonly bom: boolean;
}

const CANDIDATES = [',', ';', '\t'] as const;
const SEP_LINE = /^sep=(.)(?:\r\n|\r|\n|$)/i;
const SAMPLE_RECORDS = 20;

export const delimiterName = (d: string): string => (d === '\t' ? 'tab' : d);

export function sniffDialect(head: string, forced?: string): Dialect {
  const bom = head.charCodeAt(0) === 0xfeff;
  const text = bom ? head.slice(1) : head;
  const sep = SEP_LINE.exec(text);
  if (sep) return { delimiter: forced ?? sep[1], sepLine: true, bom };
  return { delimiter: forced ?? guessDelimiter(text), sepLine: false, bom };
}

/**
 * The candidate that splits the header most consistently with the records after it. Counted
 * outside quotes, so `"Stockholm, Sweden"` does not vote for the comma.
 */
function guessDelimiter(text: string): string {
  const counts = countPerRecord(text);
  let best: string = ',';
  let bestScore = 0;
  for (const d of CANDIDATES) {
    const perRecord = counts.map((c) => c[d]);
    const header = perRecord[0] ?? 0;
    if (header === 0) continue;
    const rest = perRecord.slice(1);
    const agreeing = rest.length === 0 ? 1 : rest.filter((k) => k === header).length / rest.length;
    const score = agreeing * 1000 + header;
    if (score > bestScore) {
      best = d;
      bestScore = score;
    }
  }
  return best;
}

function countPerRecord(text: string): Record<string, number>[] {
  const records: Record<string, number>[] = [];
  let current: Record<string, number> = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  // The last record of a truncated head may be cut short: only complete ones are counted.
  for (let i = 0; i < text.length && records.length < SAMPLE_RECORDS; i++) {
    const ch = text[i];
    if (ch === '"') quoted = !quoted;
    else if (quoted) continue;
    else if (ch === '\n' || (ch === '\r' && text[i + 1] !== '\n')) {
      records.push(current);
      current = { ',': 0, ';': 0, '\t': 0 };
    } else if (ch in current) current[ch]++;
  }
  if (records.length === 0) records.push(current);
  return records;
}
