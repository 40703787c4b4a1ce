// Self-hosted runners behind a proxy: the action honours HTTPS_PROXY/HTTP_PROXY/NO_PROXY for
// the (https) gateway, through a CONNECT tunnel the proxy cannot read. Here the gateway is the
// local server behind a TLS front answering as `agentbay.test`, with a certificate the steps
// trust through NODE_EXTRA_CA_CERTS; the proxy tunnels every CONNECT to that front.
// (A plain-http loopback endpoint is never proxied: see trust.test.ts.)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAction, TEST_KEY, useServer } from './harness.ts';

const HOST = 'agentbay.test';
const server = useServer();
let front: TlsServer;
let proxy: Server;
let proxyUrl = '';
let certDir = '';
const seen: string[] = [];
/** Every byte the proxy relayed, both ways. */
const relayed: Buffer[] = [];

beforeAll(async () => {
  certDir = mkdtempSync(path.join(tmpdir(), 'abrc-proxy-cert-'));
  const made = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      `/CN=${HOST}`,
      '-addext',
      `subjectAltName=DNS:${HOST}`,
      '-keyout',
      path.join(certDir, 'key.pem'),
      '-out',
      path.join(certDir, 'cert.pem'),
    ],
    { encoding: 'utf8' },
  );
  if (made.status !== 0) throw new Error(`openssl failed: ${made.stderr}`);

  // TLS in front of the local server, as the real gateway would be.
  front = createTlsServer(
    {
      key: readFileSync(path.join(certDir, 'key.pem')),
      cert: readFileSync(path.join(certDir, 'cert.pem')),
    },
    (socket) => {
      const upstream = connect(server.port, '127.0.0.1');
      socket.pipe(upstream).pipe(socket);
      upstream.on('error', () => socket.destroy());
      socket.on('error', () => upstream.destroy());
    },
  );
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
  const frontPort = (front.address() as AddressInfo).port;

  // A forward proxy: plain requests are refused (and recorded); CONNECT goes to the front.
  proxy = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    res.writeHead(502).end();
  });
  proxy.on('connect', (req, socket, head) => {
    seen.push(`CONNECT ${req.url}`);
    const upstream = connect(frontPort, '127.0.0.1', () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.on('data', (chunk: Buffer) => relayed.push(chunk));
      socket.on('data', (chunk: Buffer) => relayed.push(chunk));
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
  await new Promise((resolve) => front.close(resolve));
  rmSync(certDir, { recursive: true, force: true });
});

describe('behind a proxy', () => {
  it('tunnels every call to an https gateway through HTTPS_PROXY, main and post steps alike', async () => {
    seen.length = 0;
    relayed.length = 0;
    const { main, post } = await runAction({
      inputs: { 'api-key': TEST_KEY, endpoint: HOST, language: 'python', code: '6 * 7' },
      env: {
        HTTPS_PROXY: proxyUrl,
        NODE_EXTRA_CA_CERTS: path.join(certDir, 'cert.pem'),
      },
    });
    expect(main.code).toBe(0);
    expect(main.outputs.output).toBe('42');
    expect(post.code).toBe(0);
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen.every((line) => line === `CONNECT ${HOST}:443`)).toBe(true);
    // The proxy carried the calls but could read none of them.
    const bytes = Buffer.concat(relayed);
    expect(bytes.length).toBeGreaterThan(1000);
    expect(bytes.includes(TEST_KEY)).toBe(false);
    expect(bytes.includes('CreateMcpSession')).toBe(false);
    const token = main.state['cleanup-token'];
    expect(
      server
        .sessions()
        .filter((s) => s.labels['gha-step-token'] === token)
        .map((s) => s.status),
    ).not.toContain('RUNNING');
    // undici 6's "EnvHttpProxyAgent is experimental" is held back: it would only be noise.
    expect(main.stderr + post.stderr).toBe('');
  });

  it('leaves hosts in NO_PROXY alone', async () => {
    seen.length = 0;
    const { main } = await runAction({
      inputs: { 'api-key': TEST_KEY, endpoint: HOST, language: 'python', code: '1' },
      env: {
        HTTPS_PROXY: proxyUrl,
        NO_PROXY: HOST,
        NODE_EXTRA_CA_CERTS: path.join(certDir, 'cert.pem'),
      },
    });
    // Straight to agentbay.test, which no resolver knows: the proxy was not asked.
    expect(main.code).toBe(1);
    expect(main.outputs.error).toMatch(/ENOTFOUND|EAI_AGAIN/);
    expect(seen).toEqual([]);
  }, 30_000);
});
