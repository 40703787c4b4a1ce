// Self-hosted runners behind a proxy: the action honours HTTPS_PROXY/HTTP_PROXY/NO_PROXY.
import { createServer, request as httpRequest, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type AgentBayServer } from '../../server/server.ts';
import { runAction, runningSessions, TEST_KEY } from '../../scripts/step-runner.ts';

let server: AgentBayServer;
let proxy: Server;
let proxyUrl = '';
const seen: string[] = [];

beforeAll(async () => {
  server = await startServer({ apiKey: TEST_KEY });
  // A minimal forward proxy: CONNECT tunnels and absolute-URI requests, both recorded.
  proxy = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const target = new URL(req.url ?? '');
    const upstream = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname + target.search,
        method: req.method,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    req.pipe(upstream);
  });
  proxy.on('connect', (req, socket, head) => {
    seen.push(`CONNECT ${req.url}`);
    const [host, port] = (req.url ?? '').split(':');
    const upstream = connect(Number(port), host, () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});
afterAll(async () => {
  proxy.closeAllConnections();
  await new Promise((resolve) => proxy.close(resolve));
  await server.close();
});

describe('behind a proxy', () => {
  it('sends every call through HTTP_PROXY, main and post steps alike', async () => {
    const { main, post } = await runAction({
      inputs: { 'api-key': TEST_KEY, endpoint: server.url, language: 'python', code: '6 * 7' },
      env: { HTTP_PROXY: proxyUrl, HTTPS_PROXY: proxyUrl },
    });
    expect(main.code).toBe(0);
    expect(main.outputs.output).toBe('42');
    expect(post.code).toBe(0);
    const target = new URL(server.url).host;
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen.every((line) => line.includes(target))).toBe(true);
    expect(runningSessions(server)).toEqual([]);
    // undici 6's "EnvHttpProxyAgent is experimental" is held back: it would only be noise.
    expect(main.stderr + post.stderr).toBe('');
  });

  it('leaves hosts in NO_PROXY alone', async () => {
    seen.length = 0;
    const { main } = await runAction({
      inputs: { 'api-key': TEST_KEY, endpoint: server.url, language: 'python', code: '1' },
      env: { HTTP_PROXY: proxyUrl, NO_PROXY: '127.0.0.1' },
    });
    expect(main.code).toBe(0);
    expect(seen).toEqual([]);
  });
});
