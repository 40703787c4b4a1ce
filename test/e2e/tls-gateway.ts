// Real gateway host names for end-to-end tests: a TLS front answering for the names given (a
// certificate the steps trust through NODE_EXTRA_CA_CERTS) in front of the local server, and a
// forward proxy (HTTPS_PROXY) that tunnels every CONNECT to it. A step then derives
// `agentbay.<region>.aliyuncs.com` itself, resolves nothing, and reaches the local server;
// the proxy records which host each tunnel was opened for. Nothing in the action is test-only.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { afterAll, beforeAll } from 'vitest';

export interface TlsGateway {
  /** What a step needs in its environment to go through the proxy and trust the front. */
  env(): Record<string, string>;
  /** `CONNECT host:port` lines the proxy has seen, in order. */
  connects: string[];
}

/** The front and proxy for the enclosing file, serving `hosts`, forwarding to `port()`. */
export function useTlsGateway(hosts: string[], port: () => number): TlsGateway {
  let certDir = '';
  let front: TlsServer | undefined;
  let proxy: Server | undefined;
  let proxyUrl = '';
  const connects: string[] = [];

  beforeAll(async () => {
    certDir = mkdtempSync(path.join(tmpdir(), 'abrc-gateway-cert-'));
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
        `/CN=${hosts[0]}`,
        '-addext',
        `subjectAltName=${hosts.map((host) => `DNS:${host}`).join(',')}`,
        '-keyout',
        path.join(certDir, 'key.pem'),
        '-out',
        path.join(certDir, 'cert.pem'),
      ],
      { encoding: 'utf8' },
    );
    if (made.status !== 0) throw new Error(`openssl failed: ${made.stderr}`);
    front = createTlsServer(
      {
        key: readFileSync(path.join(certDir, 'key.pem')),
        cert: readFileSync(path.join(certDir, 'cert.pem')),
      },
      (socket) => {
        const upstream = connect(port(), '127.0.0.1');
        socket.pipe(upstream).pipe(socket);
        upstream.on('error', () => socket.destroy());
        socket.on('error', () => upstream.destroy());
      },
    );
    await new Promise<void>((resolve) => front!.listen(0, '127.0.0.1', resolve));
    const frontPort = (front.address() as AddressInfo).port;
    proxy = createServer((_req, res) => res.writeHead(502).end());
    proxy.on('connect', (req, socket, head) => {
      connects.push(`CONNECT ${req.url}`);
      const upstream = connect(frontPort, '127.0.0.1', () => {
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(socket);
        socket.pipe(upstream);
      });
      upstream.on('error', () => socket.destroy());
      socket.on('error', () => upstream.destroy());
    });
    await new Promise<void>((resolve) => proxy!.listen(0, '127.0.0.1', resolve));
    proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    proxy?.closeAllConnections();
    await new Promise((resolve) => (proxy ? proxy.close(resolve) : resolve(undefined)));
    await new Promise((resolve) => (front ? front.close(resolve) : resolve(undefined)));
    rmSync(certDir, { recursive: true, force: true });
  });

  return {
    env: () => ({ HTTPS_PROXY: proxyUrl, NODE_EXTRA_CA_CERTS: path.join(certDir, 'cert.pem') }),
    connects,
  };
}
