#!/usr/bin/env node
// The system programs the tests use beside Node: installed from Debian's packages when missing and
// the tests run as root (CI, a fresh container); otherwise the one command that installs them is
// printed, and the tests that need them fail saying the same.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

/** Whether PostgreSQL's server programs are installed (Debian keeps them per version). */
const hasPostgres = () => {
  try {
    return readdirSync('/usr/lib/postgresql').some((version) => existsSync(`/usr/lib/postgresql/${version}/bin/initdb`));
  } catch {
    return false;
  }
};

/** Each program the tests run, and the Debian package that provides it. */
const NEEDED = [
  { program: '/usr/bin/chromium', present: () => existsSync('/usr/bin/chromium'), pkg: 'chromium', why: 'the browser tests of the HTML pages' },
  { program: 'PostgreSQL (initdb, pg_ctl)', present: hasPostgres, pkg: 'postgresql', why: 'the SQL round trip on a throwaway PostgreSQL' },
  { program: '/usr/bin/Rscript', present: () => existsSync('/usr/bin/Rscript'), pkg: 'r-base-core', why: 'R as the statistical reference', lean: true },
  {
    program: "R's survey package",
    present: () => existsSync('/usr/lib/R/site-library/survey') || existsSync('/usr/lib/R/library/survey'),
    pkg: 'r-cran-survey',
    why: 'the reference for clustered and weighted variances',
    lean: true,
  },
  {
    program: "R's pROC package",
    present: () => existsSync('/usr/lib/R/site-library/pROC') || existsSync('/usr/lib/R/library/pROC'),
    pkg: 'r-cran-proc',
    why: "the reference for the AUC and DeLong's interval",
    lean: true,
  },
  {
    program: "R's MASS package",
    present: () => existsSync('/usr/lib/R/site-library/MASS') || existsSync('/usr/lib/R/library/MASS'),
    pkg: 'r-cran-mass',
    why: 'the reference for the proportional-odds model (polr)',
    lean: true,
  },
];

const missing = NEEDED.filter((n) => !n.present());
if (missing.length === 0) process.exit(0);

const packages = missing.map((n) => n.pkg);
// R's packages recommend hundreds of others (compilers, every CRAN package): the tests need none.
const full = missing.filter((n) => !n.lean).map((n) => n.pkg);
const lean = missing.filter((n) => n.lean).map((n) => n.pkg);
const installs = [...(full.length ? [['install', '-y', ...full]] : []), ...(lean.length ? [['install', '-y', '--no-install-recommends', ...lean]] : [])];
const command = installs.map((args) => `apt-get ${args.join(' ')}`).join(' && ');
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasApt = existsSync('/usr/bin/apt-get');

if (!isRoot || !hasApt) {
  for (const n of missing) console.error(`test setup: ${n.program} is missing (${n.why}); install it with: sudo sh -c '${command}'`);
  process.exit(0);
}

const apt = (...args) => spawnSync('apt-get', args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
console.error(`test setup: installing ${packages.join(', ')} (${missing.map((n) => n.why).join('; ')})`);
// A fresh container has no package lists yet: fetch them once when the install cannot find the package.
for (const args of installs) {
  if (apt(...args).status !== 0) {
    apt('update');
    if (apt(...args).status !== 0) {
      console.error(`test setup: could not install ${packages.join(', ')}; run: ${command}`);
      process.exit(1);
    }
  }
}
