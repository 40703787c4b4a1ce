// CLI: node server/main.ts [--port N] [--host H] [--api-key K] [--max-sessions N]
import { parseArgs } from 'node:util';
import { startServer } from './server.ts';

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

const server = await startServer({
  maxSessions,
  host: values.host,
  port,
  apiKey: values['api-key'] ?? (process.env.AGENTBAY_LOCAL_API_KEY || undefined),
});
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
