import { machineColumns, toObject } from './json.js';
import { forMachines, type Report, type Row } from './model.js';
import type { Writer } from './writer.js';

/**
 * JSON lines: one object per row of the table CSV would carry (a listing's every row), unrounded,
 * nothing else, so that each line can be appended to a log or sent on as one event.
 */
export const jsonl: Writer = {
  async *write(report: Report) {
    const table = report.tables.find((t) => t.primary) ?? report.tables.find((t) => forMachines(t.audience));
    if (!table) return;
    const columns = machineColumns(table);
    const line = (row: Row) => `${JSON.stringify(toObject(row, columns))}\n`;
    yield table.rows.map(line).join('');
    if (!table.rest) return;
    let batch: string[] = [];
    for await (const row of table.rest) {
      batch.push(line(row));
      if (batch.length >= 1000) {
        yield batch.join('');
        batch = [];
      }
    }
    yield batch.join('');
  },
};
