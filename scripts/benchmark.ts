// What the action costs around the code it runs, against floors this script builds itself:
// bare Node processes that send the very same requests with the built-in fetch and nothing
// else. Runs alternate (action, floor, action, floor, …) and each figure is a median of 9.
//   npm run bench            the committed dist/
//   npm run bench -- <dir>   another build (e.g. a fresh `node scripts/bundle.ts <dir>`)
//   BENCH_ONLY=large         only the large-output figures (BENCH_LARGE_RUNS=n, default 5)
import { spawn } from 'node:child_process';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import path from 'node:path';
import { startServer, type RecordedRequest } from '../server/server.ts';
import { makeWorkdir, ROOT, runStep, TEST_KEY } from './step-runner.ts';

const distDir = path.resolve(process.argv[2] ?? path.join(ROOT, 'dist'));
const RUNS = 9;
const LARGE_RUNS = Number(process.env.BENCH_LARGE_RUNS) || 5;
const ONLY_LARGE = process.env.BENCH_ONLY === 'large';
const LARGE_MIB = 100;

/** A hosted runner's PATH: the system's interpreters, no version-manager shims in front. */
const RUNNER_PATH = [
  path.dirname(process.execPath),
  '/usr/local/sbin',
  '/usr/local/bin',
  '/usr/sbin',
  '/usr/bin',
  '/sbin',
  '/bin',
].join(':');

const server = await startServer({ apiKey: TEST_KEY });
const base = { 'api-key': TEST_KEY, endpoint: server.url, language: 'python' };

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const ms = (value: number) => `${value.toFixed(0)} ms`;
const ratio = (value: number, target: number) =>
  `${value.toFixed(2)}x (target ≤ ${target}x: ${value <= target ? 'met' : 'NOT met'})`;

/** One plain run of the bundled action, main then post, as the runner runs them. */
async function actionRun(inputs: Record<string, string>) {
  const workdir = makeWorkdir();
  const options = {
    inputs,
    workdir,
    distDir,
    env: { ACTIONS_STEP_DEBUG: 'true', PATH: RUNNER_PATH },
  };
  const started = performance.now();
  const main = await runStep('main', options);
  const mainMs = performance.now() - started;
  const postStarted = performance.now();
  const post = await runStep('post', { ...options, state: main.state });
  const postMs = performance.now() - postStarted;
  if (main.code !== 0 || post.code !== 0) {
    throw new Error(`the action failed:\n${main.stdout}\n${main.stderr}\n${post.stdout}`);
  }
  const peakMiB = Number(/::debug::Peak memory: (\d+) MiB/.exec(main.stdout)?.[1] ?? NaN);
  return { mainMs, postMs, totalMs: mainMs + postMs, peakMiB };
}

/**
 * The floor: a bare Node process that sends the given recorded requests with fetch, parses
 * each answer as JSON, and puts the new session's id into the requests that follow.
 */
function floorScript(requests: RecordedRequest[]): string {
  const calls = requests.map((r) => ({ path: r.path, query: r.query, body: r.rawBody }));
  return `
const calls = ${JSON.stringify(calls)};
const origin = process.env.FLOOR_ORIGIN;
let oldId = process.env.FLOOR_OLD_ID, newId = process.env.FLOOR_SESSION_ID || oldId;
let bodyBytes = 0;
for (const call of calls) {
  const query = new URLSearchParams(call.query);
  if (query.has('SessionId')) query.set('SessionId', newId);
  const response = await fetch(origin + '/?' + query, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: call.body.split(encodeURIComponent(oldId)).join(encodeURIComponent(newId)),
  });
  const text = await response.text();
  bodyBytes = Math.max(bodyBytes, Buffer.byteLength(text));
  const json = JSON.parse(text);
  if (json.Data?.SessionId) newId = json.Data.SessionId;
}
process.stdout.write(JSON.stringify({ sessionId: newId, bodyBytes, peakMiB: process.resourceUsage().maxRSS / 1024 }));
`;
}

async function runFloor(file: string, env: Record<string, string>) {
  const started = performance.now();
  const child = spawn(process.execPath, [file], {
    env: { PATH: RUNNER_PATH, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const wallMs = performance.now() - started;
  if (code !== 0) throw new Error(`floor ${file} failed (${code}): ${out}`);
  return {
    wallMs,
    ...(JSON.parse(out) as { sessionId: string; bodyBytes: number; peakMiB: number }),
  };
}

/** Records the requests of one run of the action with these inputs. */
async function recordRun(inputs: Record<string, string>) {
  const before = server.requests().length;
  await actionRun(inputs);
  return server.requests().slice(before);
}

function bundleSizes(): string[] {
  return ['main', 'post'].map((step) => {
    const dir = path.join(distDir, step);
    const entry = statSync(path.join(dir, 'index.js')).size;
    const chunks = readdirSync(dir).filter((f) => /^\d+\.index\.js$/.test(f)).length;
    return `${step}: ${(entry / 1024 / 1024).toFixed(2)} MiB entry (${chunks} lazy chunk(s) not counted)`;
  });
}

try {
  console.log(
    `Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${Math.round(totalmem() / 2 ** 30)} GiB`,
  );
  console.log(`Bundles in ${path.relative(ROOT, distDir) || '.'}: ${bundleSizes().join('; ')}\n`);

  // The calls of a plain run, and floors that replay the three a plain run needs.
  const plain = { ...base, code: '1' };
  const recorded = await recordRun(plain);
  console.log(
    `calls on a plain run: ${recorded.length} (${recorded.map((r) => r.action).join(', ')})`,
  );
  const byAction = (action: string) => recorded.find((r) => r.action === action)!;
  const oldId = byAction('CallMcpTool').form.SessionId ?? '';
  const floorDir = makeWorkdir().dir;
  const floorMain = path.join(floorDir, 'floor-main.mjs');
  const floorPost = path.join(floorDir, 'floor-post.mjs');
  writeFileSync(floorMain, floorScript([byAction('CreateMcpSession'), byAction('CallMcpTool')]));
  writeFileSync(floorPost, floorScript([byAction('DeleteSessionAsync')]));
  const floorEnv = { FLOOR_ORIGIN: server.url, FLOOR_OLD_ID: oldId };

  if (!ONLY_LARGE) {
    const action = [];
    const floor = [];
    const floorPostMs = [];
    for (let i = 0; i < RUNS; i++) {
      action.push(await actionRun(plain));
      const main = await runFloor(floorMain, floorEnv);
      const post = await runFloor(floorPost, { ...floorEnv, FLOOR_SESSION_ID: main.sessionId });
      floor.push(main.wallMs + post.wallMs);
      floorPostMs.push(post.wallMs);
    }
    const actionTotal = median(action.map((r) => r.totalMs));
    const actionPost = median(action.map((r) => r.postMs));
    console.log(
      `plain run: action main ${ms(median(action.map((r) => r.mainMs)))} + post ${ms(actionPost)}; ` +
        `floor ${ms(median(floor))} (post ${ms(median(floorPostMs))})`,
    );
    console.log(
      `  main + post vs the two-process floor: ${ratio(actionTotal / median(floor), 1.3)}`,
    );
    console.log(
      `  post alone vs a bare one-request process: ${ratio(actionPost / median(floorPostMs), 1.3)}`,
    );

    // The syntax check, when it passes: the same plain run with and without it.
    const checked = [];
    const unchecked = [];
    for (let i = 0; i < RUNS; i++) {
      checked.push((await actionRun({ ...plain, 'syntax-check': 'true' })).mainMs);
      unchecked.push((await actionRun({ ...plain, 'syntax-check': 'false' })).mainMs);
    }
    console.log(
      `syntax check (python3, passing): main ${ms(median(checked))} with, ${ms(median(unchecked))} without ` +
        `(${(median(checked) - median(unchecked)).toFixed(0)} ms)`,
    );
  }

  // Large output: the action against a bare fetch + JSON.parse of the same answer.
  const large = {
    ...base,
    code: `import sys\nfor _ in range(${LARGE_MIB}):\n    sys.stdout.write("x" * (1024 * 1024 - 1) + "\\n")\n`,
  };
  const largeRecorded = await recordRun(large);
  const largeOldId = largeRecorded.find((r) => r.action === 'CallMcpTool')!.form.SessionId ?? '';
  const floorLarge = path.join(floorDir, 'floor-large.mjs');
  writeFileSync(
    floorLarge,
    floorScript(largeRecorded.filter((r) => /^(CreateMcpSession|CallMcpTool)$/.test(r.action))),
  );
  const largeAction = [];
  const largeFloor = [];
  for (let i = 0; i < LARGE_RUNS; i++) {
    largeAction.push(await actionRun(large));
    largeFloor.push(await runFloor(floorLarge, { ...floorEnv, FLOOR_OLD_ID: largeOldId }));
  }
  const bodyMiB = median(largeFloor.map((r) => r.bodyBytes)) / 2 ** 20;
  const peak = median(largeAction.map((r) => r.peakMiB));
  const largeMain = median(largeAction.map((r) => r.mainMs));
  const largeBare = median(largeFloor.map((r) => r.wallMs));
  console.log(
    `\n${LARGE_MIB} MiB of stdout (response body ${bodyMiB.toFixed(0)} MiB, medians of ${LARGE_RUNS}): ` +
      `main ${ms(largeMain)}, peak ${peak} MiB; bare fetch + JSON.parse ${ms(largeBare)}, peak ${median(largeFloor.map((r) => r.peakMiB)).toFixed(0)} MiB`,
  );
  console.log(`  peak RSS vs the response body: ${ratio(peak / bodyMiB, 4)}`);
  console.log(`  wall time vs a bare fetch + JSON.parse: ${ratio(largeMain / largeBare, 1.2)}`);
} finally {
  await server.close();
}
