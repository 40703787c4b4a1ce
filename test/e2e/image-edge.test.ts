// Custom images (issue 17): the image a step asks for is the one created, and a create answer
// whose ToolList lacks run_code stops the step before anything reaches the session. The
// 60-second edge: a run_code call never races the gateway's 60 s limit.
import { describe, expect, it } from 'vitest';
import { errorAnnotations, runAction, useServer, userCode } from './harness.ts';
import type { RecordedRequest } from '../../server/server.ts';

const server = useServer();

async function step(inputs: Record<string, string>) {
  const start = server.requests().length;
  const run = await runAction({ inputs: server.inputs({ language: 'python', ...inputs }) });
  const sent = server.requests().slice(start);
  return { ...run, sent };
}

const tools = (sent: RecordedRequest[]) =>
  sent.filter((r) => r.action === 'CallMcpTool').map((r) => r.form.Name);

describe('image', () => {
  it('a custom image is the one created, and runs the code', async () => {
    const { main, sent } = await step({ image: 'imgc-0a1b2c3d4e5f6a7b8', code: '6 * 7' });
    expect(main.code).toBe(0);
    expect(main.outputs.output).toBe('42');
    expect(sent.find((r) => r.action === 'CreateMcpSession')!.form.ImageId).toBe(
      'imgc-0a1b2c3d4e5f6a7b8',
    );
  });

  it('the older name image-id still works', async () => {
    const { main, sent } = await step({ 'image-id': 'code_latest', code: '1' });
    expect(main.code).toBe(0);
    expect(sent.find((r) => r.action === 'CreateMcpSession')!.form.ImageId).toBe('code_latest');
  });

  it('an image without run_code is refused before anything runs, naming the image; the session is deleted', async () => {
    const { main, post, sent } = await step({
      image: 'linux_latest',
      code: 'print("never")',
      setup: 'echo never',
    });
    expect(main.code).toBe(1);
    const [error] = errorAnnotations(main.stdout);
    expect(error).toContain('image "linux_latest" offers no run_code tool (its tools: shell, ');
    expect(error).toContain('use code_latest or a custom image built from a code image');
    // Nothing reached the session: no tool call at all.
    expect(tools(sent)).toEqual([]);
    expect(post.code).toBe(0);
    const session = server.sessions().find((s) => s.id === main.outputs['session-id'])!;
    expect(session.status).not.toBe('RUNNING');
  });

  it.each([
    ['no ToolList at all', { omit: true } as const],
    ['an empty list', { value: '[]' }],
    ['text that is not JSON', { value: '[{"name": "sh' }],
    ['an object', { value: { name: 'shell' } }],
    ['a deeply nested list', { value: `${'['.repeat(10_000)}${']'.repeat(10_000)}` }],
    ['items without names', { value: JSON.stringify([1, null, { name: 7 }]) }],
    [
      'a list that names run_code, twice encoded',
      { value: JSON.stringify(JSON.stringify([{ name: 'run_code' }])) },
    ],
  ])('a ToolList with %s: the step goes on', async (_what, answer) => {
    server.setToolList(answer);
    const { main } = await step({ code: '6 * 7' });
    expect(main.code).toBe(0);
    expect(main.outputs.output).toBe('42');
  });

  it('a huge ToolList without run_code is refused with a short message', async () => {
    server.setToolList({
      value: JSON.stringify(
        Array.from({ length: 50_000 }, (_, i) => ({ name: `tool_${i}\n::error::x` })),
      ),
    });
    const { main, sent } = await step({ image: 'imgc-fffff', code: '1' });
    expect(main.code).toBe(1);
    const errors = errorAnnotations(main.stdout);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('offers no run_code tool');
    expect(errors[0]).toContain('(1000 in all)');
    expect(errors[0]!.length).toBeLessThan(2_000);
    expect(main.stdout).not.toMatch(/^::error::x/m);
    expect(tools(sent)).toEqual([]);
  });
});

describe('the 60-second edge', () => {
  it('timeout: 60 with code sleeping 65 s is reported as the code’s timeout, never a gateway error', async () => {
    const { main, sent } = await step({ timeout: '60', code: 'import time\ntime.sleep(65)' });
    expect(main.code).toBe(1);
    expect(main.outputs.success).toBe('false');
    expect(main.outputs.error).toMatch(/^TimeoutError: Execution timed out after 55 seconds/);
    expect(main.stdout).toContain('one run_code call gets at most 55 s');
    expect(main.stdout).not.toMatch(/GatewayTimeout|HTTP 504/);
    // The call asked for 55 s and its answer came back before the gateway's limit.
    const run = sent.filter((r) => r.action === 'CallMcpTool' && r.form.Name === 'run_code');
    expect(userCode(run)).toEqual(['import time\ntime.sleep(65)']);
    const user = run.find((r) => r.form.Args!.includes('time.sleep(65)'))!;
    expect(JSON.parse(user.form.Args!).timeout_s).toBe(55);
    expect(user.status).toBe(200);
  }, 120_000);

  it('timeout: 60 with code that finishes in time completes as usual', async () => {
    const { main, sent } = await step({ timeout: '60', code: 'import time\ntime.sleep(1)\n6 * 7' });
    expect(main.code).toBe(0);
    expect(main.outputs.output).toBe('42');
    expect(main.stdout).not.toContain('run_code call gets at most');
    expect(sent.every((r) => r.status === null || r.status < 500)).toBe(true);
  });
});
