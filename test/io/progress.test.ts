import { describe, expect, it } from 'vitest';
import { progressFor } from '../../src/io/source/progress.js';
import { fakeIo } from '../helpers/fake-io.js';

const MB = 1024 * 1024;

describe('progressFor', () => {
  it('shows progress of a large file on a terminal, then clears the line', () => {
    const io = fakeIo({ stderrIsTTY: true });
    const progress = progressFor('big.csv', 100 * MB, io);
    progress.advance(40 * MB);
    progress.done();
    expect(io.err()).toBe('\rreading big.csv: 40% (42 of 105 MB)\r\x1b[K');
  });

  it.each([
    ['a small file', 10 * MB, true, {}],
    ['stderr not a terminal', 100 * MB, false, {}],
    ['CI', 100 * MB, true, { CI: 'true' }],
    ['unknown size (stdin)', undefined, true, {}],
  ])('stays silent for %s', (_, size, tty, env) => {
    const io = fakeIo({ stderrIsTTY: tty, env });
    const progress = progressFor('x.csv', size, io);
    progress.advance(60 * MB);
    progress.done();
    expect(io.err()).toBe('');
  });
});
