import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareText } from '../../src/core/text.js';
import { spawnChild } from '../helpers/child.js';

const names = ['Öst', 'Zeta', 'Åsa', 'Ola', 'Ärla', 'agent 10', 'agent 9', 'Łukasz', 'Lars'];

describe('compareText', () => {
  it('orders names by the root collation, numbers as numbers', () => {
    expect([...names].sort(compareText)).toEqual([
      'agent 9',
      'agent 10',
      'Ärla',
      'Åsa',
      'Lars',
      'Łukasz',
      'Ola',
      'Öst',
      'Zeta',
    ]);
  });

  it.each(['sv_SE.UTF-8', 'pl_PL.UTF-8', 'nb_NO.UTF-8', 'C'])('gives the same order under LANG=%s', (lang) => {
    const module = join(import.meta.dirname, '..', '..', 'dist', 'core', 'text.js');
    const script = `import(${JSON.stringify(module)}).then(({ compareText }) => console.log(JSON.stringify(${JSON.stringify(names)}.sort(compareText))))`;
    const result = spawnChild(process.execPath, ['-e', script], { env: { ...process.env, LANG: lang, LC_ALL: lang } });
    expect(JSON.parse(result.stdout)).toEqual([...names].sort(compareText));
  });
});
