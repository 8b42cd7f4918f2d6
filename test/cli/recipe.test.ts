import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/*
 * The README's CI recipe, run as written: its `run:` steps, in bash, with the variables GitHub
 * Actions would set. The repository is this one (its committed HEAD, cloned over file://), the
 * global npm prefix a temporary folder, and the export a fixture.
 */
const root = join(import.meta.dirname, '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');

/** The `run: |` blocks of the first yaml block after the CI heading, as shell scripts. */
function recipeSteps(): string[] {
  const section = readme.slice(readme.indexOf('## In CI'));
  const yaml = /```yaml\n([\s\S]*?)```/.exec(section)![1];
  const steps: string[] = [];
  const lines = yaml.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^(\s*)(?:- )?run: \|$/.exec(lines[i]);
    if (!m) continue;
    const body: string[] = [];
    for (i++; i < lines.length && (lines[i].trim() === '' || lines[i].search(/\S/) > m[1].length); i++) body.push(lines[i].trim());
    i--;
    steps.push(body.join('\n'));
  }
  return steps;
}

const temp = mkdtempSync(join(tmpdir(), 'nps-recipe-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

describe("the README's CI recipe", () => {
  const steps = recipeSteps();

  it('has an install step and an nps step', () => {
    expect(steps).toHaveLength(2);
    expect(steps[0]).toContain('npm ci');
    expect(steps[1]).toMatch(/^nps summary /);
  });

  it('installs nps from a pinned checkout and fails the job on a real drop, with the table in the summary', () => {
    const global = join(temp, 'global');
    const env = {
      ...process.env,
      RUNNER_TEMP: join(temp, 'runner'),
      NPSKIT_REPO: `file://${root}`,
      NPSKIT_REF: 'HEAD',
      npm_config_prefix: global,
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      PATH: `${join(global, 'bin')}:${process.env.PATH}`,
      NO_COLOR: '1',
    };
    mkdirSync(env.RUNNER_TEMP, { recursive: true });
    const install = spawnSync('bash', ['-euo', 'pipefail', '-c', steps[0]], { cwd: temp, env, encoding: 'utf8' });
    expect(install.status, install.stderr).toBe(0);

    const job = (fixture: string) => {
      const work = join(temp, fixture);
      mkdirSync(join(work, 'exports'), { recursive: true });
      copyFileSync(join(root, 'fixtures', `${fixture}.csv`), join(work, 'exports', 'survey.csv'));
      const summary = join(work, 'summary.md');
      const result = spawnSync('bash', ['-eo', 'pipefail', '-c', steps[1]], { cwd: work, env: { ...env, GITHUB_STEP_SUMMARY: summary }, encoding: 'utf8' });
      return { ...result, summary: readFileSync(summary, 'utf8'), page: readFileSync(join(work, 'nps-weekly.html'), 'utf8') };
    };
    const steady = job('weekly-steady');
    expect(steady.status, steady.stderr).toBe(0);
    expect(steady.summary).toContain('| 2024-W47 | 150 |');
    expect(steady.summary).toContain('Gate passed \\(--fail-on-drop\\)');

    const drop = job('weekly-drop');
    expect(drop.status).toBe(1);
    expect(drop.stderr).toContain('NPS fell 40.0 points in 2024-W47 against 2024-W46');
    expect(drop.summary).toContain('**Gate failed \\(--fail-on-drop\\): NPS fell 40.0 points');
    // The page for the artifact is written before the gates fail the job.
    expect(drop.page).toMatch(/^<!DOCTYPE html>/);
    expect(drop.page).toContain('<td>2024-W47</td>');
  }, 240_000);
});
