import { describe, expect, it } from 'vitest';
import { sparkline } from '../../src/report/sparkline.js';

describe('sparkline', () => {
  it.each([
    [[0, 1, 2, 3, 4, 5, 6, 7], '▁▂▃▄▅▆▇█'],
    [[7, 0], '█▁'],
    [[-50, 50], '▁█'],
    [[0, 2, NaN, 14], '▁▂ █'],
    [[5, 5, 5], '▄▄▄'],
    [[3, NaN, 3], '▄ ▄'],
    [[NaN, NaN], '  '],
    [[], ''],
  ])('draws %j as %j', (values, line) => {
    expect(sparkline(values)).toBe(line);
  });
});
