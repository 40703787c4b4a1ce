// The lifecycle a create asks for (protocol §2a): SDK 0.21's LifecyclePolicy in minutes (idle
// release and a hard ceiling from creation), or the older Timeout alone in seconds; and the
// ToolList each image answers. Minutes are shortened with `minuteMs`, so nothing here sleeps.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type AgentBayServer, type SessionView } from '../../server/server.ts';
import { call, createSession } from './helpers.ts';

const MINUTE_MS = 100;
let server: AgentBayServer;
beforeAll(async () => {
  server = await startServer({ minuteMs: MINUTE_MS });
});
afterAll(() => server.close());

const view = (id: string): SessionView => server.sessions().find((s) => s.id === id)!;

async function until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('LifecyclePolicy in minutes', () => {
  it('reads Timeout and MaxRuntime as minutes when MaxRuntime is sent', async () => {
    const id = await createSession(server.url, {
      ImageId: 'code_latest',
      Timeout: 15,
      MaxRuntime: 30,
    });
    expect(view(id)).toMatchObject({
      idleTimeoutS: 900,
      lifecycle: { unit: 'minutes', timeout: 15, maxRuntime: 30 },
    });
  });

  it('ends a session at MaxRuntime however busy it is', async () => {
    const id = await createSession(server.url, { Timeout: 3, MaxRuntime: 6 });
    const created = view(id).createdAt;
    // Calls keep it from ever being idle (3 minutes = 300 ms here) until the ceiling ends it.
    while (view(id).status === 'RUNNING') {
      await call(server.url, 'GetSession', { SessionId: id });
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await until(() => view(id).status === 'DELETED');
    expect(view(id).deletedBy).toBe('max-runtime');
    expect(Date.now() - created).toBeGreaterThanOrEqual(6 * MINUTE_MS);
    expect((await call(server.url, 'GetSession', { SessionId: id })).body.Code).toBe(
      'InvalidMcpSession.NotFound',
    );
  });

  it('releases an idle session after Timeout minutes, before its ceiling', async () => {
    const id = await createSession(server.url, { Timeout: 3, MaxRuntime: 1000 });
    await until(() => view(id).status === 'DELETED');
    expect(view(id).deletedBy).toBe('idle-timeout');
  });

  it('refuses an idle timeout under the service minimum of 3 minutes', async () => {
    const reply = await call(server.url, 'CreateMcpSession', { Timeout: 2, MaxRuntime: 30 });
    expect(reply.body.Code).toBe('InvalidParameter.Timeout');
  });

  it('keeps reading Timeout alone as seconds (the older form)', async () => {
    const id = await createSession(server.url, { Timeout: 1800 });
    expect(view(id)).toMatchObject({
      idleTimeoutS: 1800,
      lifecycle: { unit: 'seconds', timeout: 1800 },
    });
  });
});

describe('ToolList by image', () => {
  const toolsOf = async (form: Record<string, string>) => {
    const reply = await call(server.url, 'CreateMcpSession', form);
    const list = reply.body.Data.ToolList;
    return {
      id: reply.body.Data.SessionId as string,
      names: list === undefined ? undefined : JSON.parse(list).map((t: { name: string }) => t.name),
    };
  };

  it.each(['code_latest', 'imgc-07a1b2c3d4e5f6a7b', 'code_python_3_12'])(
    '%s is a code image: run_code is listed and runs',
    async (image) => {
      const { id, names } = await toolsOf({ ImageId: image });
      expect(names).toContain('run_code');
      expect(names).toContain('shell');
      const ran = await call(server.url, 'CallMcpTool', {
        SessionId: id,
        Name: 'run_code',
        Server: 'wuying_codespace',
        Args: JSON.stringify({ code: 'print(6 * 7)', language: 'python', timeout_s: 30 }),
      });
      expect(JSON.stringify(ran.body.Data)).toContain('42');
    },
  );

  it.each(['linux_latest', 'my-own-image', 'browser_latest'])(
    '%s is accepted without run_code',
    async (image) => {
      const { names } = await toolsOf({ ImageId: image });
      expect(names).not.toContain('run_code');
      expect(names).toContain('shell');
    },
  );

  it('answers what a test sets: no ToolList at all, or any value', async () => {
    try {
      server.setToolList({ omit: true });
      expect((await toolsOf({ ImageId: 'code_latest' })).names).toBeUndefined();
      server.setToolList({ value: { odd: true } });
      const reply = await call(server.url, 'CreateMcpSession', { ImageId: 'code_latest' });
      expect(reply.body.Data.ToolList).toEqual({ odd: true });
    } finally {
      server.reset();
    }
    expect((await toolsOf({ ImageId: 'code_latest' })).names).toContain('run_code');
  });
});
