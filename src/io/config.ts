import { closeSync, openSync, readSync } from 'node:fs';
import { editDistance } from '../core/text.js';
import { usageError } from '../errors.js';

/**
 * The project's settings file, `nps.config.json` in the working directory or `--config FILE`:
 * column roles and the defaults a team always types. Flags on the command line win over it.
 */
export const CONFIG_FILE = 'nps.config.json';

type Kind = 'string' | 'number' | 'boolean';

/** Each key: its JSON type and the command-line option it stands for. */
export const CONFIG_KEYS: Readonly<Record<string, { kind: Kind; option: string }>> = {
  preset: { kind: 'string', option: 'preset' },
  encoding: { kind: 'string', option: 'encoding' },
  delimiter: { kind: 'string', option: 'delimiter' },
  scale: { kind: 'string', option: 'scale' },
  tz: { kind: 'string', option: 'tz' },
  dateFormat: { kind: 'string', option: 'dateFormat' },
  fiscalYearStart: { kind: 'number', option: 'fiscalYearStart' },
  minN: { kind: 'number', option: 'minN' },
  ciMethod: { kind: 'string', option: 'ciMethod' },
  confidence: { kind: 'number', option: 'confidence' },
  format: { kind: 'string', option: 'format' },
  decimals: { kind: 'number', option: 'decimals' },
  excel: { kind: 'boolean', option: 'excel' },
};

/** Keys of `columns`: a role and the option that names its column. */
export const COLUMN_KEYS: Readonly<Record<string, string>> = {
  score: 'score',
  date: 'date',
  agent: 'agent',
  team: 'team',
  channel: 'channel',
  comment: 'comment',
  id: 'id',
};

export interface Config {
  readonly file: string;
  /** Option attribute name -> value as written (strings and numbers still to be parsed by the option). */
  readonly values: ReadonlyMap<string, string | number | boolean | string[]>;
}

/** A settings file is a few hundred bytes: more than this is not one (`--config /dev/zero`). */
const MAX_CONFIG_BYTES = 1024 * 1024;

/** The file's text, refusing it past MAX_CONFIG_BYTES without reading further. */
function readCapped(file: string): string {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(MAX_CONFIG_BYTES + 1);
    let size = 0;
    for (let n = 1; n > 0 && size < buffer.length; size += n)
      n = readSync(fd, buffer, size, buffer.length - size, null);
    if (size > MAX_CONFIG_BYTES)
      throw usageError(
        `the config file ${file} is larger than 1 MB`,
        'a settings file holds a few options; check the --config path',
      );
    return buffer.toString('utf8', 0, size);
  } finally {
    closeSync(fd);
  }
}

/** Reads and checks the settings file; undefined when there is none and none was asked for. */
export function loadConfig(path: string | undefined): Config | undefined {
  const file = path ?? CONFIG_FILE;
  let text: string;
  try {
    text = readCapped(file);
  } catch (err) {
    if (path === undefined && (err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    if (err instanceof Error && 'kind' in err) throw err;
    throw usageError(
      `cannot read the config file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      'check the --config path',
    );
  }
  // Notepad saves UTF-8 with a byte-order mark, which JSON.parse refuses.
  text = text.replace(/^\ufeff/, '');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw usageError(
      `${file} is not valid JSON: ${(err as Error).message}`,
      'see the README for its keys and an example',
    );
  }
  return { file, values: validate(json, file) };
}

function validate(json: unknown, file: string): Map<string, string | number | boolean | string[]> {
  if (!isObject(json))
    throw usageError(
      `${file}: the settings must be a JSON object`,
      'e.g. { "columns": { "score": "Betyg" }, "tz": "Europe/Stockholm" }',
    );
  const values = new Map<string, string | number | boolean | string[]>();
  for (const [key, value] of Object.entries(json)) {
    if (key === 'columns') {
      if (!isObject(value))
        throw usageError(`${file}: columns must be an object`, 'e.g. "columns": { "score": "Betyg", "date": "Datum" }');
      for (const [role, column] of Object.entries(value)) {
        if (!Object.hasOwn(COLUMN_KEYS, role))
          throw unknownKey(file, `columns.${role}`, role, Object.keys(COLUMN_KEYS));
        const ok =
          typeof column === 'string' ||
          (role === 'score' &&
            Array.isArray(column) &&
            column.length <= 2 &&
            column.every((c) => typeof c === 'string'));
        if (!ok)
          throw usageError(
            `${file}: columns.${role} must be a column name${role === 'score' ? ', or a list of two' : ''}`,
            `e.g. "columns": { "${role}": "..." }`,
          );
        values.set(
          COLUMN_KEYS[role],
          role === 'score' && typeof column === 'string' ? [column] : (column as string | string[]),
        );
      }
      continue;
    }
    // Own keys only: "__proto__" or "constructor" must not reach Object.prototype.
    const spec = Object.hasOwn(CONFIG_KEYS, key) ? CONFIG_KEYS[key] : undefined;
    if (!spec) throw unknownKey(file, key, key, ['columns', ...Object.keys(CONFIG_KEYS)]);
    if (typeof value !== spec.kind)
      throw usageError(
        `${file}: ${key} must be a ${spec.kind}, not ${JSON.stringify(value)}`,
        'see the README for every key',
      );
    values.set(spec.option, value as string | number | boolean);
  }
  return values;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function unknownKey(file: string, path: string, key: string, known: readonly string[]) {
  const closest = known.reduce((best, k) =>
    editDistance(k.toLowerCase(), key.toLowerCase()) < editDistance(best.toLowerCase(), key.toLowerCase()) ? k : best,
  );
  const near =
    editDistance(closest.toLowerCase(), key.toLowerCase()) <= 3 ? `did you mean ${JSON.stringify(closest)}? ` : '';
  return usageError(`${file}: unknown key ${JSON.stringify(path)}`, `${near}keys: ${known.join(', ')}`);
}
