#!/usr/bin/env node
// Deterministic generator of survey exports that look like the real thing, for benchmarks.
//
//   node bench/gen.mjs ROWS OUT.csv [--seed N] [--crlf]
//
// Header: response_id,submitted_at,score,agent,team,channel,comment
//   - 300 agents spread over 20 teams; workload and skill differ per agent, some join or leave
//   - channels email / chat / phone / social, each with its own score tendency
//   - submitted_at is ISO-8601 UTC ("2023-04-17T13:45:12Z"), 2022-01-01 .. 2024-12-31, ascending
//   - scores 0..10 with an overall NPS around +30 that drifts up over the three years
//   - about a third of the rows carry a comment (detractors comment more often); comments hold
//     commas, "quotes", line breaks, Swedish and Polish letters. Fields are quoted per RFC 4180,
//     only where needed.
// About 96 bytes per row. The same seed and ROWS always give byte-identical output.

import fs from 'node:fs';

function usage(msg) {
  if (msg) console.error(`gen.mjs: ${msg}`);
  console.error('usage: node bench/gen.mjs ROWS OUT.csv [--seed N] [--crlf]');
  process.exit(2);
}

// ---- command line -----------------------------------------------------------
const positional = [];
let seed = 20240601;
let eol = '\n';
for (let argv = process.argv.slice(2), i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--seed') seed = Number(argv[++i]);
  else if (a.startsWith('--seed=')) seed = Number(a.slice(7));
  else if (a === '--crlf') eol = '\r\n';
  else if (a.startsWith('--')) usage(`unknown option ${a}`);
  else positional.push(a);
}
if (positional.length !== 2) usage();
const rows = Number(positional[0].replace(/_/g, ''));
const outFile = positional[1];
if (!Number.isSafeInteger(rows) || rows < 0) usage(`ROWS must be a non-negative integer, got ${positional[0]}`);
if (!Number.isSafeInteger(seed)) usage('--seed must be an integer');

// ---- random numbers ------------------------------------------------------------
// Math.random cannot be seeded, so use sfc32 (small, fast, good quality) with its state
// filled from splitmix32: nearby seeds then still give unrelated streams.
function makeRandom(seedValue) {
  let s = seedValue | 0;
  const splitmix = () => {
    s = (s + 0x9e3779b9) | 0;
    let z = s ^ (s >>> 16);
    z = Math.imul(z, 0x21f0aaad);
    z ^= z >>> 15;
    z = Math.imul(z, 0x735a2d97);
    return (z ^ (z >>> 15)) >>> 0;
  };
  let a = splitmix(),
    b = splitmix(),
    c = splitmix(),
    d = splitmix();
  const next = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296; // [0, 1)
  };
  for (let i = 0; i < 16; i++) next(); // discard the first outputs
  return next;
}
const random = makeRandom(seed);
const below = (n) => Math.floor(random() * n);
const oneOf = (list) => list[below(list.length)];
const chance = (p) => random() < p;
function normal() {
  // Box-Muller; u must not be 0 for the log
  let u = random();
  while (u === 0) u = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}
// Sampler over indices 0..weights.length-1, proportional to the weights (binary search on the CDF).
function weightedIndex(weights) {
  const cdf = [];
  let total = 0;
  for (const w of weights) {
    total += w;
    cdf.push(total);
  }
  return () => {
    const x = random() * total;
    let lo = 0,
      hi = cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] > x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
}
const clamp = (x, lo, hi) => Math.min(hi, Math.max(lo, x));

// ---- organisation ----------------------------------------------------------------
const TEAMS = [
  'Stockholm Billing',
  'Stockholm Tech',
  'Göteborg Onboarding',
  'Malmö Retention',
  'Uppsala Returns',
  'Kraków Billing',
  'Kraków Tech',
  'Łódź Logistics',
  'Gdańsk Claims',
  'Wrocław Premium',
  'Poznań Sales',
  'Warszawa Escalations',
  'London Enterprise',
  'Dublin Payments',
  'Berlin Hardware',
  'Remote EMEA',
  'Remote Nordics',
  'Night Shift',
  'Social Care',
  'Partner Desk',
];
const FIRST_NAMES = [
  'Anna',
  'Erik',
  'Åsa',
  'Björn',
  'Märta',
  'Sören',
  'Linnéa',
  'Göran',
  'Ingrid',
  'Lars',
  'Karin',
  'Olle',
  'Maja',
  'Jörgen',
  'Elin',
  'Paweł',
  'Łukasz',
  'Małgorzata',
  'Zofia',
  'Krzysztof',
  'Agnieszka',
  'Michał',
  'Katarzyna',
  'Wojciech',
  'Joanna',
  'Grzegorz',
  'Bartłomiej',
  'Jędrzej',
  'Oliver',
  'Emily',
  'James',
  'Sarah',
  'Liam',
  'Chloe',
  'Noah',
  'Priya',
  'Mohammed',
  'Fatima',
  'Lukas',
  'Lea',
];
const LAST_NAMES = [
  'Andersson',
  'Johansson',
  'Lindström',
  'Öberg',
  'Åkesson',
  'Nyström',
  'Bergqvist',
  'Sjögren',
  'Ekström',
  'Håkansson',
  'Kowalski',
  'Nowak',
  'Wiśniewski',
  'Wójcik',
  'Kowalczyk',
  'Kamiński',
  'Lewandowski',
  'Zieliński',
  'Szymańska',
  'Woźniak',
  'Dąbrowski',
  'Kozłowska',
  'Jankowski',
  'Mazur',
  'Krawczyk',
  'Smith',
  'Jones',
  'Taylor',
  'Brown',
  'Murphy',
  "O'Neill",
  'Walsh',
  'Schmidt',
  'Müller',
  'Becker',
  'Khan',
  'Patel',
  'Ali',
  'Garcia',
  'Rossi',
];
const AGENT_COUNT = 300;
const agents = [];
for (const taken = new Set(); agents.length < AGENT_COUNT; ) {
  const first = oneOf(FIRST_NAMES);
  const last = oneOf(LAST_NAMES);
  if (taken.has(`${first} ${last}`)) continue;
  taken.add(`${first} ${last}`);
  agents.push({
    // some systems export "Last, First", which forces quoting of a grouping key
    name: chance(0.08) ? `${last}, ${first}` : `${first} ${last}`,
    team: oneOf(TEAMS),
    skill: clamp(normal() * 0.45, -1.5, 1.5),
    workload: Math.exp(normal() * 0.6), // log-normal: a few agents take many more contacts
    from: chance(0.25) ? random() * 0.7 : 0, // fraction of the period when the agent starts ...
    until: chance(0.15) ? 0.3 + random() * 0.7 : 1, // ... and when they leave
  });
}

const CHANNELS = ['email', 'chat', 'phone', 'social'];
const pickChannel = weightedIndex([0.36, 0.31, 0.23, 0.1]);
const CHANNEL_TILT = [0.0, 0.1, 0.15, -0.45]; // social media complaints run negative

// ---- scores --------------------------------------------------------------------------
// Share of each score 0..10 at tilt 0: about 51% promoters, 30% passives, 19% detractors.
const SCORE_WEIGHTS = [4.0, 1.4, 1.5, 2.0, 2.1, 3.8, 4.2, 12.0, 18.0, 21.0, 30.0];
// A positive tilt moves mass towards promoters, a negative one towards detractors. Building a
// sampler per row would dominate the run time, so samplers are prepared on a grid of tilts.
const TILT_MIN = -3,
  TILT_MAX = 3,
  TILT_STEPS = 60;
const scoreSamplers = [];
for (let k = 0; k <= TILT_STEPS; k++) {
  const tilt = TILT_MIN + (k * (TILT_MAX - TILT_MIN)) / TILT_STEPS;
  scoreSamplers.push(
    weightedIndex(SCORE_WEIGHTS.map((w, score) => w * Math.exp(score >= 9 ? tilt : score <= 6 ? -1.6 * tilt : 0))),
  );
}
function drawScore(tilt) {
  const k = Math.round(((clamp(tilt, TILT_MIN, TILT_MAX) - TILT_MIN) / (TILT_MAX - TILT_MIN)) * TILT_STEPS);
  return scoreSamplers[k]();
}

// ---- comments ----------------------------------------------------------------------------
const PRAISE = [
  'Great service',
  'Quick and friendly',
  'Solved my problem in minutes, thanks',
  'The agent was patient, polite and knew the product',
  'Very helpful!',
  'Best support I have had, 10/10',
  'Easy, fast, no waiting',
  'She called back exactly when promised',
  'Clear answer, no "let me check"',
  'Loved the follow-up email',
  'Tack så mycket för hjälpen!',
  'Bardzo dobra obsługa, dziękuję!',
  'Snabbt och smidigt',
  'Super, wszystko załatwione od ręki',
  'Fixed it on the first call',
];
const LUKEWARM = [
  'OK but took a while',
  'Fine, I guess',
  'Answer was correct, but the wait was long',
  'Had to explain twice',
  'Good agent, bad process',
  'It works now, mostly',
  'Would be nice to have chat in the evening',
  'Decent, though the "self-service" page is confusing',
  'Helt okej, men lite långsamt',
  'Średnio, musiałem czekać 20 minut',
];
const COMPLAINTS = [
  'Waited 45 minutes on hold',
  'Nobody called back',
  'Transferred three times, still not fixed',
  'The "solution" was to reinstall everything',
  'Rude and unhelpful',
  'Charged twice, refund still pending',
  'I was told "it is a known issue" - for 3 months now',
  'Closed my ticket without asking me',
  'Terrible. Just terrible.',
  'Chat bot loop, could not reach a human',
  'Dålig service, ingen återkoppling',
  'Tragiczna obsługa, nikt nie oddzwonił',
  'Zażółć gęślą jaźń? No, just angry',
  'Why do I have to repeat my order number, email, and address every time?',
];
const SIGN_OFFS = ['', '', '', '', '. Thanks.', '. Regards, a customer', ' :(', ' :)', '. Will see.', ' /J.'];

function writeComment(score) {
  let pool;
  if (score >= 9) pool = PRAISE;
  else if (score >= 7) pool = chance(0.5) ? LUKEWARM : PRAISE;
  else pool = chance(0.8) ? COMPLAINTS : LUKEWARM;
  const sentences = [oneOf(pool)];
  if (chance(0.35)) sentences.push(oneOf(pool));
  if (chance(0.1)) sentences.push(oneOf(pool));
  const joiner = chance(0.12) ? '\n' : chance(0.5) ? '. ' : ', ';
  let text = sentences.join(joiner) + oneOf(SIGN_OFFS);
  if (chance(0.03)) text = `"${text}"`; // people do quote themselves
  if (chance(0.02)) text += '\n\n-- \nSent from my phone';
  return text;
}

// RFC 4180: quote a field only if it holds a quote, comma or line break; double inner quotes.
const csvField = (s) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

const ID_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
function responseId() {
  let id = 'R_';
  for (let i = 0; i < 15; i++) id += ID_ALPHABET[below(62)];
  return id;
}

// ---- output ---------------------------------------------------------------------------------
const START = Date.UTC(2022, 0, 1) / 1000; // seconds
const END = Date.UTC(2025, 0, 1) / 1000; // exclusive
const PERIOD = END - START;

// Who is on duty changes over time; one agent sampler per 1/200 of the period keeps that cheap.
const SLICES = 200;
const agentOnDuty = [];
for (let k = 0; k < SLICES; k++) {
  const at = (k + 0.5) / SLICES;
  agentOnDuty.push(weightedIndex(agents.map((a) => (at >= a.from && at < a.until ? a.workload : 0))));
}

const fd = fs.openSync(outFile, 'w');
fs.writeSync(fd, `response_id,submitted_at,score,agent,team,channel,comment${eol}`);
const secondsPerRow = PERIOD / Math.max(rows, 1);
let chunk = [];
for (let i = 0; i < rows; i++) {
  // one response per time slot, jittered inside it, so timestamps ascend
  const t = START + Math.floor((i + random()) * secondsPerRow);
  const progress = (t - START) / PERIOD;
  const agent = agents[agentOnDuty[Math.min(SLICES - 1, Math.floor(progress * SLICES))]()];
  const channel = pickChannel();
  const tilt = agent.skill + CHANNEL_TILT[channel] + 0.25 * (progress - 0.5) + normal() * 0.15;
  const score = drawScore(tilt);
  const commentRate = score <= 6 ? 0.55 : score <= 8 ? 0.3 : 0.22;
  const comment = chance(commentRate) ? csvField(writeComment(score)) : '';
  const submittedAt = `${new Date(t * 1000).toISOString().slice(0, 19)}Z`;
  chunk.push(
    `${responseId()},${submittedAt},${score},${csvField(agent.name)},${csvField(agent.team)},${CHANNELS[channel]},${comment}`,
  );
  if (chunk.length === 20000) {
    // write in blocks: one syscall per row would be slow
    fs.writeSync(fd, chunk.join(eol) + eol);
    chunk = [];
  }
}
if (chunk.length > 0) fs.writeSync(fd, chunk.join(eol) + eol);
fs.closeSync(fd);
