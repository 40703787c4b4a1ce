// Prints the time and the number of API calls to move trees of files into and out of a session
// of the local AgentBay-compatible server, on each route, so the route rule in
// src/sandbox/transfer.ts rests on figures. Not a test: the figures depend on the machine.
// npm run bench:transfer
import { randomBytes } from 'node:crypto';
import { AgentBayClient } from '../src/agentbay/client.ts';
import { runShell } from '../src/agentbay/shell.ts';
import { downloadTree, uploadTree, type Route } from '../src/sandbox/transfer.ts';
import type { TarEntry } from '../src/sandbox/tar.ts';
import { startServer } from '../server/server.ts';

const server = await startServer({ apiKey: 'akm-bench' });
const client = new AgentBayClient({
  endpoint: server.url,
  apiKey: 'akm-bench',
  userAgent: 'bench',
});

const MB = 1024 * 1024;
const cases: { name: string; entries: () => TarEntry[] }[] = [
  { name: '1 file (1 KB)', entries: () => files(1, 1024) },
  { name: '100 files (1 KB each)', entries: () => files(100, 1024) },
  { name: '1000 files (1 KB each)', entries: () => files(1000, 1024) },
  { name: '1 MB (one file)', entries: () => files(1, MB) },
  { name: '10 MB (one file)', entries: () => files(1, 10 * MB) },
  { name: '50 MB (one file)', entries: () => files(1, 50 * MB) },
];

function files(count: number, size: number): TarEntry[] {
  // Random bytes do not compress: the archive is as large as the data.
  return Array.from({ length: count }, (_, i) => ({
    path: `bench/dir ${i % 10}/file-${i}.bin`,
    bytes: randomBytes(size),
  }));
}

const rows: string[][] = [['case', 'route', 'up ms', 'up calls', 'down ms', 'down calls']];
try {
  for (const c of cases) {
    const entries = c.entries();
    for (const route of ['write_file', 'file_transfer'] as Route[]) {
      const { sessionId } = await client.createSession({ imageId: 'code_latest', labels: {} });
      const before = server.requests().length;
      let started = performance.now();
      const up = await uploadTree(client, sessionId, entries, { route, pollMs: 50 });
      const upMs = performance.now() - started;
      const upCalls = server.requests().length - before;
      const mid = server.requests().length;
      started = performance.now();
      const down = await downloadTree(
        client,
        sessionId,
        ['bench'],
        { maxBytes: 200 * MB, maxFiles: 5000 },
        { route, pollMs: 50 },
      );
      const downMs = performance.now() - started;
      const downCalls = server.requests().length - mid;
      if (down.kind !== 'files' || down.files.length !== entries.length) {
        throw new Error(`${c.name} via ${route}: the files did not come back`);
      }
      rows.push([
        c.name,
        up.route,
        upMs.toFixed(0),
        String(upCalls),
        downMs.toFixed(0),
        String(downCalls),
      ]);
      await runShell(client, sessionId, { command: 'true', timeoutMs: 1000 });
      await client.deleteSession(sessionId);
    }
  }
} finally {
  await client.close();
  await server.close();
}
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
console.log(
  'Tree transfer against the local AgentBay-compatible server (calls include presigned PUT/GET)\n',
);
for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(widths[i]!)).join('  '));
console.log(
  '\nOn the real service every call costs a round trip to the gateway (~50-300 ms); the rule sends an',
  '\narchive as write_file text up to 6 calls and through file_transfer above that.',
);
