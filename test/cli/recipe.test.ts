import { type SpawnSyncReturns, spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/*
 * What a user pastes from the README's CI section, run as written: the workflow's `with:` drives
 * the `run:` steps of action.yml, in bash, with the variables GitHub Actions would set, and the
 * three commands for other CI systems run as they stand. Stood in for are only what a user's own
 * setting supplies: the release (a tarball packed once from this working tree, handed over by
 * stand-ins for `gh` and `curl`), the global npm prefix (a temporary folder), and the exports
 * (fixtures, moved to the weeks just past, or kept at 2024 with the Monday run's `as-of`).
 */
const root = join(import.meta.dirname, '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const sectionStart = readme.indexOf('## In CI');
const section = readme.slice(sectionStart, readme.indexOf('\n## ', sectionStart));
const workflowText = /```yaml\n([\s\S]*?)```/.exec(section)![1];
const shellText = /```sh\n([\s\S]*?)```/.exec(section)![1];
const actionText = readFileSync(join(root, 'action.yml'), 'utf8');

/** The package's install and the runs behind it: bounds for a hang on a loaded machine, not speed checks. */
const INSTALL_TIMEOUT = 10 * 60_000;
const RUN_TIMEOUT = 5 * 60_000;

// ---- A YAML subset, enough for action.yml and the README's workflow (no dependency for it) ----

type Yaml = string | Yaml[] | { [key: string]: Yaml };
type YamlMap = { [key: string]: Yaml };

/** Block mappings and sequences, plain and quoted scalars, `|` and `>` blocks; flow collections stay text. */
function parseYaml(text: string): Yaml {
  const lines = text.split('\n');
  let i = 0;
  const indentOf = (line: string) => line.search(/\S/);
  const skip = () => {
    while (i < lines.length && (lines[i].trim() === '' || lines[i].trim().startsWith('#'))) i++;
  };
  const isItem = (line: string, indent: number) => /^-(\s|$)/.test(line.slice(indent));

  const scalar = (raw: string): string => {
    const s = raw.trim();
    if (s.startsWith("'")) return s.slice(1, s.lastIndexOf("'")).replaceAll("''", "'");
    if (s.startsWith('"')) return JSON.parse(s.slice(0, s.lastIndexOf('"') + 1));
    return s.replace(/\s+#.*$/, '');
  };

  const textBlock = (header: string, indent: number): string => {
    const body: string[] = [];
    while (i < lines.length && (lines[i].trim() === '' || indentOf(lines[i]) > indent)) body.push(lines[i++]);
    while (body.length > 0 && body[body.length - 1].trim() === '') body.pop();
    const strip = Math.min(...body.filter((l) => l.trim() !== '').map(indentOf));
    const content = body.map((l) => l.slice(strip));
    if (header.startsWith('>')) return content.join(' ').trim();
    return `${content.join('\n')}\n`;
  };

  const value = (rest: string, indent: number): Yaml => {
    const r = rest.replace(/^#.*$/, '').trim();
    if (r.startsWith('|') || r.startsWith('>')) return textBlock(r, indent);
    if (r !== '') return scalar(r);
    skip();
    if (
      i < lines.length &&
      (indentOf(lines[i]) > indent || (indentOf(lines[i]) === indent && isItem(lines[i], indent)))
    )
      return block(indentOf(lines[i]));
    return '';
  };

  const mapping = (indent: number): YamlMap => {
    const out: YamlMap = {};
    for (skip(); i < lines.length && indentOf(lines[i]) === indent && !isItem(lines[i], indent); skip()) {
      const m = /^([\w.-]+):(?:\s+(.*))?$/.exec(lines[i].slice(indent));
      if (!m) throw new Error(`yaml: cannot read line ${i + 1}: ${lines[i]}`);
      i++;
      out[m[1]] = value(m[2] ?? '', indent);
    }
    return out;
  };

  const sequence = (indent: number): Yaml[] => {
    const out: Yaml[] = [];
    for (skip(); i < lines.length && indentOf(lines[i]) === indent && isItem(lines[i], indent); skip()) {
      const rest = lines[i].slice(indent + 1).trimStart();
      if (/^[\w.-]+:(\s|$)/.test(rest)) {
        // `- key: value` opens a mapping whose keys line up two columns in.
        lines[i] = `${' '.repeat(indent + 2)}${rest}`;
        out.push(mapping(indent + 2));
      } else {
        i++;
        out.push(value(rest, indent));
      }
    }
    return out;
  };

  const block = (indent: number): Yaml => (isItem(lines[i], indent) ? sequence(indent) : mapping(indent));
  skip();
  return block(indentOf(lines[i]));
}

const asMap = (y: Yaml | undefined): YamlMap =>
  y !== undefined && typeof y === 'object' && !Array.isArray(y) ? y : {};
const asList = (y: Yaml | undefined): Yaml[] => (Array.isArray(y) ? y : []);

const workflow = asMap(parseYaml(workflowText));
const action = asMap(parseYaml(actionText));
const declared = asMap(action.inputs);
const actionSteps = asList(asMap(action.runs).steps).map(asMap);
const jobSteps = Object.values(asMap(workflow.jobs)).flatMap((job) => asList(asMap(job).steps).map(asMap));
const useStep = jobSteps.find((s) => typeof s.uses === 'string' && /\/npskit@/.test(s.uses)) ?? {};
const [usedRepository, usedRef] = String(useStep.uses ?? '@').split('@');
/** The github context of a step of this action, as the workflow above would use it. */
const github = { action_repository: usedRepository, action_ref: usedRef, token: 'test-token' };

// ---- The runner: `${{ }}` of env: and defaults, the variables GitHub sets, bash as GitHub runs it ----

type Context = { inputs: Record<string, string>; github: Record<string, string> };

/** A `${{ inputs.x }}` or `${{ github.x }}` expression, the only kinds action.yml uses in env: and defaults. */
function evaluate(text: string, context: Context): string {
  return text.replace(
    /\$\{\{\s*(inputs|github)\.([\w-]+)\s*\}\}/g,
    (whole, scope: 'inputs' | 'github', name: string) => {
      const value = context[scope][name];
      if (value === undefined) throw new Error(`${whole}: not known to this test`);
      return value;
    },
  );
}

/** The action's inputs for a `with:`: what it says, else the declared defaults. */
function inputsFor(withValues: YamlMap): Record<string, string> {
  const inputs: Record<string, string> = {};
  for (const [name, spec] of Object.entries(declared)) {
    const given = withValues[name];
    inputs[name] =
      given !== undefined ? String(given) : evaluate(String(asMap(spec).default ?? ''), { inputs: {}, github });
  }
  return inputs;
}

const temp = mkdtempSync(join(tmpdir(), 'nps-recipe-'));
// Removed in the background: a hook never waits on a large folder of a busy machine.
afterAll(() => spawn('rm', ['-rf', temp], { detached: true, stdio: 'ignore' }).unref());

const actionPath = join(temp, 'npskit'); // the action's own checkout: this working tree
const stubs = join(temp, 'stubs');
const globalPrefix = join(temp, 'global');
const log = join(temp, 'stubs.log');
let tarball = '';

/** This machine's environment without what npm, vitest or GitHub set for the process running the test. */
const inherited = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !/^(npm_|GITHUB_|RUNNER_|INPUT_|NODE_OPTIONS$)/i.test(k)),
);

/** The environment of a job: its folder, the runner's files, and the global prefix of this test. */
function jobEnv(work: string, prefix = globalPrefix): Record<string, string> {
  for (const file of ['summary.md', 'output', 'path']) writeFileSync(join(work, file), '');
  mkdirSync(join(work, 'runner-temp'), { recursive: true });
  return {
    ...inherited,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: work,
    GITHUB_STEP_SUMMARY: join(work, 'summary.md'),
    GITHUB_OUTPUT: join(work, 'output'),
    GITHUB_PATH: join(work, 'path'),
    GITHUB_ACTION_PATH: actionPath,
    RUNNER_TEMP: join(work, 'runner-temp'),
    NO_COLOR: '1',
    npm_config_prefix: prefix,
    npm_config_update_notifier: 'false',
    PATH: `${join(prefix, 'bin')}:${stubs}:${inherited.PATH}`,
    NPSKIT_TEST_TARBALL: tarball,
    NPSKIT_TEST_LOG: log,
  };
}

/** One `run:` step of action.yml, as the runner runs `shell: bash`, with its env: evaluated. */
function runStep(id: string, work: string, inputs: Record<string, string>): SpawnSyncReturns<string> {
  const step = actionSteps.find((s) => s.id === id);
  if (!step || typeof step.run !== 'string') throw new Error(`action.yml has no run step with id ${id}`);
  const context = { inputs, github };
  const stepEnv = Object.fromEntries(
    Object.entries(asMap(step.env)).map(([k, v]) => [k, evaluate(String(v), context)]),
  );
  const script = join(work, `${id}.sh`);
  writeFileSync(script, step.run);
  const timeout = id === 'install' ? INSTALL_TIMEOUT : RUN_TIMEOUT;
  const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], {
    cwd: work,
    env: { ...jobEnv(work), ...stepEnv },
    encoding: 'utf8',
    timeout,
  });
  if (result.error) throw result.error;
  return result;
}

/** The `name=value` lines a step wrote to GITHUB_OUTPUT. */
const outputsOf = (work: string) =>
  Object.fromEntries(
    readFileSync(join(work, 'output'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => line.split(/=(.*)/s, 2)),
  );

// ---- Exports: the fixtures, and the same moved to this week so that `now` finds them ----

const WEEK = 7 * 86_400_000;
const fixture = (name: string) => readFileSync(join(root, 'fixtures', name), 'utf8');

/** Whole weeks from the fixtures' last week (2024-W47) to the last complete week in Stockholm today. */
function weeksSinceFixtures(): number {
  const today = Date.parse(
    `${new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Stockholm' }).format(new Date())}T00:00:00Z`,
  );
  const monday = today - ((new Date(today).getUTCDay() + 6) % 7) * 86_400_000;
  return Math.round((monday - Date.UTC(2024, 10, 25)) / WEEK);
}

/** Computed once, so every job of this file sees the same weeks. */
const weeks = weeksSinceFixtures();

/** Every timestamp moved by whole weeks; no fixture row is near enough to a week's edge to change week with DST. */
const moved = (csv: string) =>
  csv.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/g, (t) =>
    new Date(Date.parse(t) + weeks * WEEK).toISOString().replace('.000Z', 'Z'),
  );

/** The ISO week label (2024-W47) of a UTC day. */
function isoWeek(ms: number): string {
  const d = new Date(ms);
  const thursday = ms + (3 - ((d.getUTCDay() + 6) % 7)) * 86_400_000;
  const year = new Date(thursday).getUTCFullYear();
  const week = 1 + Math.floor((thursday - Date.UTC(year, 0, 1)) / WEEK);
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** The fixtures' last week (2024-W47) moved: the last complete week today. */
const last = isoWeek(Date.UTC(2024, 10, 18) + weeks * WEEK);

/** A job's folder with the export where the README's workflow reads it. */
function jobFolder(name: string, csv: string): string {
  const work = join(temp, name);
  mkdirSync(join(work, 'exports'), { recursive: true });
  writeFileSync(join(work, 'exports', 'survey.csv'), csv);
  return work;
}

// ---- Set-up: the tarball, packed once from the working tree, and the action's install step ----

const GH = `#!/usr/bin/env bash
# Stands in for the GitHub CLI: gh release download TAG --repo R --pattern P --dir D.
printf 'gh %s token=%s\\n' "$*" "\${GH_TOKEN:+set}" >> "$NPSKIT_TEST_LOG"
[[ "$1 $2" == "release download" ]] || exit 1
dir=.
while (( $# )); do [[ "$1" == --dir ]] && dir=$2; shift; done
cp "$NPSKIT_TEST_TARBALL" "$dir/"
`;
const CURL = `#!/usr/bin/env bash
# Stands in for curl downloading a release asset: -o FILE, or -O for the URL's own name.
printf 'curl %s\\n' "$*" >> "$NPSKIT_TEST_LOG"
out= url=
while (( $# )); do case $1 in -o) out=$2; shift ;; --retry) shift ;; -*) ;; *) url=$1 ;; esac; shift; done
cp "$NPSKIT_TEST_TARBALL" "\${out:-\${url##*/}}"
`;

let install: SpawnSyncReturns<string> | undefined;
const installWork = join(temp, 'install');

beforeAll(() => {
  // The working tree (tracked and new files) in a folder of its own: `npm pack` runs `prepare`,
  // which rebuilds dist/, and must not rewrite the repository's dist/ under tests running from it.
  const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: root,
    encoding: 'utf8',
    timeout: RUN_TIMEOUT,
  });
  if (listed.status !== 0) throw new Error(`git ls-files: ${listed.stderr}`);
  for (const file of listed.stdout.split('\0').filter((f) => f !== '' && existsSync(join(root, f)))) {
    mkdirSync(dirname(join(actionPath, file)), { recursive: true });
    copyFileSync(join(root, file), join(actionPath, file));
  }
  symlinkSync(join(root, 'node_modules'), join(actionPath, 'node_modules'));
  const packs = join(temp, 'packs');
  mkdirSync(packs);
  const pack = spawnSync('npm', ['pack', '--pack-destination', packs], {
    cwd: actionPath,
    env: inherited,
    encoding: 'utf8',
    timeout: INSTALL_TIMEOUT,
  });
  if (pack.status !== 0) throw new Error(`npm pack: ${pack.stderr}`);
  tarball = join(packs, readdirSync(packs).find((f) => /^npskit-.*\.tgz$/.test(f))!);

  mkdirSync(stubs);
  writeFileSync(join(stubs, 'gh'), GH);
  writeFileSync(join(stubs, 'curl'), CURL);
  for (const stub of ['gh', 'curl']) chmodSync(join(stubs, stub), 0o755);

  // The install step once for every job below, with the workflow's inputs and no tarball: the release asset.
  mkdirSync(installWork);
  install = runStep('install', installWork, inputsFor(asMap(useStep.with)));
}, INSTALL_TIMEOUT + RUN_TIMEOUT);

describe("the README's CI workflow and action.yml", () => {
  it('uses this action at a release tag, with only inputs that action.yml declares', () => {
    expect(usedRepository).toMatch(/^[\w.-]+\/npskit$/);
    expect(usedRef).toMatch(/^v\d+\.\d+\.\d+$/);
    expect(Object.keys(asMap(useStep.with)).length).toBeGreaterThan(0);
    for (const key of Object.keys(asMap(useStep.with))) expect(Object.keys(declared), `with: ${key}`).toContain(key);
    // The page the action writes is the one the artifact step uploads.
    const upload = jobSteps.find((s) => String(s.uses).startsWith('actions/upload-artifact'));
    expect(String(upload?.with)).toContain(`path: ${asMap(useStep.with).page}`);
    expect(upload?.if).toBe('always()');
  });

  it('passes every input to its scripts through env:, never as an expression in the script text', () => {
    const runs = actionSteps.filter((s) => s.run !== undefined);
    expect(runs.map((s) => s.id)).toEqual(['install', 'summary']);
    for (const step of runs) {
      expect(step.shell).toBe('bash');
      expect(String(step.run)).not.toContain('${{');
    }
    // The one other step is the optional Node set-up, skipped unless asked for.
    expect(actionSteps.filter((s) => s.run === undefined).map((s) => [s.uses, s.if])).toEqual([
      ['actions/setup-node@v4', "inputs.node-version != ''"],
    ]);
    const used = actionSteps
      .flatMap((s) => Object.values(asMap(s.env)).concat(Object.values(asMap(s.with))))
      .join('\n');
    for (const name of Object.keys(declared)) expect(used, `input ${name}`).toContain(`\${{ inputs.${name} }}`);
    for (const name of ['nps', 'gate', 'exit-code']) expect(Object.keys(asMap(action.outputs))).toContain(name);
  });

  it('installs the release tarball of the ref it is used at, production dependencies only', () => {
    expect(install?.status, install?.stderr).toBe(0);
    expect(readFileSync(log, 'utf8')).toContain(
      `gh release download ${usedRef} --repo ${usedRepository} --pattern npskit-*.tgz --dir `,
    );
    expect(readFileSync(log, 'utf8')).toContain('token=set');
    expect(install?.stderr).not.toMatch(/install-scripts|ERR!/);
    expect(readFileSync(join(installWork, 'path'), 'utf8')).toBe(`${join(globalPrefix, 'bin')}\n`);
    const installed = join(globalPrefix, 'lib', 'node_modules', 'npskit');
    expect(existsSync(join(installed, 'dist', 'cli', 'main.js'))).toBe(true);
    const devDependencies = Object.keys(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).devDependencies);
    for (const dev of devDependencies) expect(existsSync(join(installed, 'node_modules', dev)), dev).toBe(false);
  });

  it(
    'passes a steady export: the weekly table in the job summary, the page, and the outputs (exit 0)',
    () => {
      // The workflow as written, run now: the export is the steady fixture moved to the weeks just past.
      const work = jobFolder('steady', moved(fixture('weekly-steady.csv')));
      const result = runStep('summary', work, inputsFor(asMap(useStep.with)));
      expect(result.status, result.stderr).toBe(0);

      const summary = readFileSync(join(work, 'summary.md'), 'utf8');
      expect(summary).toContain('**NPS by week**');
      expect(summary).toContain(`| ${last} | 150 | +30.0 |`);
      expect(summary).toContain('Gate passed \\(--fail-on-drop\\)');
      const page = readFileSync(join(work, String(asMap(useStep.with).page)), 'utf8');
      expect(page).toMatch(/^<!DOCTYPE html>/);
      expect(page).toContain(`<td>${last}</td>`);
      const outputs = outputsOf(work);
      expect(outputs).toMatchObject({ nps: '30', gate: 'passed', 'exit-code': '0', reason: '' });
      expect(JSON.parse(readFileSync(outputs.json, 'utf8')).summary.nps).toBe(30);
    },
    INSTALL_TIMEOUT,
  );

  // Needs `--as-of` (periods in progress): without it the two Monday answers make 2024-W48 the latest week.
  it(
    'fails the Monday-morning export on the last complete week, with the page still written (exit 1)',
    () => {
      const monday = `${fixture('weekly-drop.csv').trimEnd()}\nT6801,2024-11-25T05:10:00Z,9,chat\nT6802,2024-11-25T05:40:00Z,9,email\n`;
      const work = jobFolder('monday', monday);
      // The clock of the scheduled run: Monday 2024-11-25, 06:00 UTC.
      const result = runStep('summary', work, inputsFor({ ...asMap(useStep.with), 'as-of': '2024-11-25T06:00:00Z' }));
      expect(result.status, result.stderr).toBe(1);
      expect(result.stderr).toContain('NPS fell 40.0 points in 2024-W47 against 2024-W46');
      expect(result.stdout).toContain(
        '::error title=NPS gate failed::NPS fell 40.0 points in 2024-W47 against 2024-W46',
      );

      const summary = readFileSync(join(work, 'summary.md'), 'utf8');
      expect(summary).toContain(
        '**Gate failed \\(--fail-on-drop\\): NPS fell 40.0 points in 2024-W47 against 2024-W46',
      );
      // The two Monday answers: shown, marked, not judged.
      expect(summary).toMatch(/\| 2024-W48 \| 2 \|.*in progress/);
      const page = readFileSync(join(work, String(asMap(useStep.with).page)), 'utf8');
      expect(page).toMatch(/^<!DOCTYPE html>/);
      expect(page).toContain('<td>2024-W47</td>');
      const outputs = outputsOf(work);
      expect(outputs).toMatchObject({ gate: 'failed', 'exit-code': '1' });
      expect(Number(outputs.nps)).toBeCloseTo(JSON.parse(readFileSync(outputs.json, 'utf8')).summary.nps, 12);
      expect(outputs.reason).toContain('NPS fell 40.0 points in 2024-W47 against 2024-W46');
    },
    INSTALL_TIMEOUT,
  );

  it(
    'names a glob of exports and a missing export sensibly',
    () => {
      const work = jobFolder('glob', moved(fixture('weekly-steady.csv')));
      // A second export of other responses (other ticket IDs), pooled with the first.
      writeFileSync(
        join(work, 'exports', 'survey-2.csv'),
        readFileSync(join(work, 'exports', 'survey.csv'), 'utf8').replace(/^T/gm, 'U'),
      );
      const both = runStep('summary', work, inputsFor({ ...asMap(useStep.with), files: 'exports/*.csv', page: '' }));
      expect(both.status, both.stderr).toBe(0);
      expect(JSON.parse(readFileSync(outputsOf(work).json, 'utf8')).summary.n).toBe(3600);

      const none = runStep(
        'summary',
        work,
        inputsFor({ ...asMap(useStep.with), files: 'exports/*.tsv\nexports/survey.csv' }),
      );
      expect(none.status).toBe(3);
      expect(none.stderr).toContain('nps: cannot read exports/*.tsv: no such file');
      expect(outputsOf(work)).toMatchObject({ gate: 'none', 'exit-code': '3', nps: '' });
    },
    INSTALL_TIMEOUT,
  );
});

describe("the README's lines for other CI systems", () => {
  it(
    'download, install and run: every file written, then exit 1 on a real drop',
    () => {
      // The drop fixture moved so that its falling week is the last complete one today.
      const work = jobFolder('elsewhere', moved(fixture('weekly-drop.csv')));
      const env = jobEnv(work, join(temp, 'global-elsewhere'));
      const result = spawnSync('bash', ['-eo', 'pipefail', '-c', shellText], {
        cwd: work,
        env,
        encoding: 'utf8',
        timeout: INSTALL_TIMEOUT,
      });
      if (result.error) throw result.error;
      expect(result.status, result.stderr).toBe(1);
      expect(result.stderr).not.toMatch(/install-scripts|ERR!/);

      const url = /^curl \S+ (\S+)$/m.exec(readFileSync(log, 'utf8'))?.[1];
      expect(url).toBe(
        `https://github.com/${usedRepository}/releases/download/${usedRef}/npskit-${usedRef.slice(1)}.tgz`,
      );
      expect(result.stderr).toContain(`NPS fell 40.0 points in ${last}`);
      expect(readFileSync(join(work, 'nps-weekly.html'), 'utf8')).toMatch(/^<!DOCTYPE html>/);
      expect(readFileSync(join(work, 'nps-summary.md'), 'utf8')).toContain('**Gate failed \\(--fail-on-drop\\)');
      expect(
        JSON.parse(readFileSync(join(work, 'nps.json'), 'utf8')).gates.map((g: { passed: boolean }) => g.passed),
      ).toEqual([true, false]);
    },
    INSTALL_TIMEOUT,
  );
});
