import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { fakeIo } from '../helpers/fake-io.js';

/*
 * What people read stays bounded whatever the data: a table shows at most 1,000 rows and says how
 * to list the rest; a message echoes at most 1,000 characters of what it names.
 */

describe('bounds on what people read', () => {
  it('a table of more than 1,000 rows shows 1,000 and says how many more there are', async () => {
    const rows = Array.from(
      { length: 1500 },
      (_, i) => `${i},2024-01-01,${i % 11},Agent ${String(i).padStart(4, '0')}`,
    );
    const io = fakeIo({ stdin: Buffer.from(`id,date,score,agent\n${rows.join('\n')}\n`) });
    expect(await main(['agents', '-', '--min-n', '1'], io)).toBe(0);
    const out = io.out();
    expect(out.match(/Agent \d{4}/g)).toHaveLength(1000);
    expect(out).toContain('... and 500 more (1500 in all): --format csv or json lists every one.');
    const json = fakeIo({ stdin: Buffer.from(`id,date,score,agent\n${rows.join('\n')}\n`) });
    expect(await main(['agents', '-', '--min-n', '1', '--format', 'json'], json)).toBe(0);
    expect(json.out().match(/"Agent \d{4}"/g)).toHaveLength(1500);
  });

  it('a message cuts what it echoes to 1,000 characters', async () => {
    const io = fakeIo();
    const long = 'x'.repeat(50_000);
    expect(await main(['report', 'fixtures/basic.csv', '--score', long], io)).toBe(2);
    const lines = io.err().split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(1000);
    expect(io.err()).toContain('…');
  });
});
