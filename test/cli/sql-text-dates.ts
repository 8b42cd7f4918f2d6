import { UTC } from '../../src/core/zone.js';
import { patternReader } from '../../src/io/scan/date-pattern.js';

/*
 * Text dates for `nps sql --date-format`, run on real engines (counts.test.ts on DuckDB,
 * postgres.test.ts on PostgreSQL): cells each engine must read as the command line reads them,
 * and a survey export of text dates whose figures must come out the same either way.
 */

/** Patterns and cells: readable ones, and ones of a wrong shape, range or calendar day. */
export const TEXT_DATE_CELLS: readonly (readonly [string, readonly string[]])[] = [
  [
    'M/d/yy H:mm',
    [
      '8/31/18 18:37',
      '1/2/19 9:05',
      '13/45/18 99:99',
      'garbage',
      '',
      ' 8/30/18 7:00 ',
      '08/01/18 00:00',
      '2/29/20 1:00',
      '2/29/19 1:00',
      '2/30/18 1:00',
      '4/31/18 1:00',
      '2/29/00 12:00',
      '12/31/99 23:59',
      '12/31/18 24:00',
      '0/1/18 1:00',
      '8/31/18  18:37',
      '8-31-18 18:37',
      '8/31/18 18:37:00',
      '8/31/2018 18:37',
    ],
  ],
  [
    'd MMM yyyy h:mm:ss.SSS a',
    [
      '31 Aug 2018 6:37:00.123 PM',
      '1 jan 2019 12:05:00.5 am',
      '29 FEB 2020 1:00:00.000 pm',
      '29 Feb 2019 1:00:00.000 AM',
      '31 Apr 2018 1:00:00.000 AM',
      '31 Sept 2018 1:00:00.000 AM',
      '31 August 2018 6:37:00.123 PM',
      '31 Aug 2018 13:37:00.123 PM',
      '31 Aug 2018 6:37:00.1234 PM',
      '31 Aug 0000 6:37:00.123 PM',
    ],
  ],
  [
    "yyyyMMdd'T'HHmm",
    [
      '20180831T1837',
      '20200229T0000',
      '20190229T0000',
      '2018131T1837',
      '20180831t1837',
      '20180831T2460',
      '201808311T1837',
    ],
  ],
  [
    'dd.MM.yyyy',
    ['31.08.2018', '1.1.2019', '31.04.2018', '00.01.2019', '29.02.2000', '29.02.1900', '29.02.2100', '29.02.0400'],
  ],
];

/** The day the command line reads in a cell (YYYY-MM-DD), or null when it reads none. */
export function dayRead(pattern: string, cell: string): string | null {
  const wall = patternReader(pattern, UTC)(cell);
  return Number.isNaN(wall) ? null : new Date(wall).toISOString().slice(0, 10);
}

/** The format the export below writes its dates in. */
export const EXPORT_FORMAT = 'M/d/yy H:mm';

/** A survey export of 240 responses over ten months, dated as M/d/yy H:mm text, and six rows whose dates no reading finds. */
export function textDatesCsv(): string {
  let seed = 7;
  const next = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const channels = ['chat', 'email', 'phone'];
  const rows = ['id,submitted,score,channel'];
  for (let i = 0; i < 240; i++) {
    const day = new Date(Date.UTC(2018, 8, 1) + next(300) * 86_400_000);
    const date = `${day.getUTCMonth() + 1}/${day.getUTCDate()}/${String(day.getUTCFullYear()).slice(2)} ${next(24)}:${String(next(60)).padStart(2, '0')}`;
    rows.push(`${i + 1},${date},${next(11)},${channels[next(3)]}`);
  }
  for (const [i, date] of [
    '13/45/18 99:99',
    'garbage',
    '',
    '2/29/19 1:00',
    '8/31/18  18:37',
    '8-31-18 18:37',
  ].entries()) {
    rows.push(`${241 + i},${date},${i % 2 === 0 ? 10 : 3},${channels[i % 3]}`);
  }
  return `${rows.join('\n')}\n`;
}
