// CLI: node server/main.ts [--port N] [--host H] [--api-key K] [--max-sessions N]
import { parseArgs } from 'node:util';
import { startServer, type AgentBayServer } from './server.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    'api-key': { type: 'string' },
    'max-sessions': { type: 'string' },
  },
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`Invalid --port: ${values.port}`);
  process.exit(2);
}

const maxSessionsText = values['max-sessions'];
const maxSessions = maxSessionsText === undefined ? undefined : Number(maxSessionsText);
if (
  maxSessions !== undefined &&
  (!/^\d+$/.test(maxSessionsText ?? '') || maxSessions > 1_000_000)
) {
  console.error(`Invalid --max-sessions: ${maxSessionsText} (a whole number of sessions)`);
  process.exit(2);
}

let server: AgentBayServer;
try {
  server = await startServer({
    maxSessions,
    host: values.host,
    port,
    apiKey: values['api-key'] ?? (process.env.AGENTBAY_LOCAL_API_KEY || undefined),
  });
} catch (error) {
  console.error(listenFailure(error, values.host, port));
  process.exit(1);
}
console.log(`AgentBay-compatible server listening on ${server.url}`);

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  server.close().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

/** One line a person can act on, instead of a stack trace, for the usual ways listen fails. */
function listenFailure(error: unknown, host: string, port: number): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE') {
    return `Port ${port} on ${host} is already in use (another server still running?): choose another with --port, or --port 0 for any free one.`;
  }
  if (code === 'EACCES') {
    return `Not allowed to listen on port ${port}: choose a port above 1023 with --port.`;
  }
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
    return `Cannot listen on host ${host}: it is not an address of this machine; change it with --host.`;
  }
  return `Cannot start the server on ${host}:${port}: ${error instanceof Error ? error.message : String(error)}`;
}
