// A single run and a batch are one pipeline: the same failing file, run on its own and in a
// two-file batch, ends the same way. The main step records its sessions as one list in the
// state, and the post step's one delete path removes every session it created.
import { beforeAll, describe, expect, it } from 'vitest';
import { runAction, useServer, workspaceWith } from './harness.ts';

const server = useServer();

const FAILING = 'def main():\n    return 1 / 0\n\nmain()\n';

describe.each([
  {
    shape: 'a single file',
    file: 'fail.py',
    sessions: 1,
    resultFile: /[/\\]session-[^/\\]+\.json$/,
  },
  {
    shape: 'the same file in a two-file batch',
    file: 'fail.py\nok.py',
    sessions: 2,
    resultFile: /-batch\.json$/,
  },
])('$shape', ({ file, sessions, resultFile }) => {
  let run: Awaited<ReturnType<typeof runAction>>;
  let requestsBefore = 0;
  beforeAll(async () => {
    requestsBefore = server.requests().length;
    run = await runAction({
      workdir: workspaceWith({ 'fail.py': FAILING, 'ok.py': 'print("fine")\n' }),
      inputs: { ...server.inputs(), file, parallel: '2' },
    });
  }, 120_000);

  it('fails the step on the failing file, and says where', () => {
    expect(run.main.code).toBe(1);
    expect(run.main.outputs.success).toBe('false');
    expect(run.main.outputs['result-file']).toMatch(resultFile);
    expect(run.main.stdout).toMatch(
      /^::error title=Python error,file=fail\.py,line=2,endLine=2::.*ZeroDivisionError/m,
    );
  });

  it('saves every session it created, with its proof, as one list in the state', () => {
    const token = run.main.state['cleanup-token'];
    const created = server.sessions().filter((s) => s.labels['gha-step-token'] === token);
    expect(created).toHaveLength(sessions);
    const saved = JSON.parse(run.main.state.sessions!) as Array<{ id: string; proof: string }>;
    expect(saved.map((s) => s.id).sort()).toEqual(created.map((s) => s.id).sort());
    expect(saved.every((s) => /^[0-9a-f]{64}$/.test(s.proof))).toBe(true);
    // Every create answered: the post step has nothing to look for by label.
    expect(run.main.state.create).toBe('');
    expect(run.main.outputs['session-id']).toBe(saved[0]!.id);
  });

  it('deletes each of them once in the post step, on its proof, without asking whose it is', () => {
    const saved = JSON.parse(run.main.state.sessions!) as Array<{ id: string }>;
    expect(run.post.code).toBe(0);
    const token = run.main.state['cleanup-token'];
    const ours = server.sessions().filter((s) => s.labels['gha-step-token'] === token);
    expect(ours.filter((s) => s.status === 'RUNNING')).toEqual([]);
    const after = server.requests().slice(requestsBefore);
    const deletes = after.filter((r) => r.action === 'DeleteSessionAsync');
    expect(deletes.map((r) => r.form.SessionId).sort()).toEqual(saved.map((s) => s.id).sort());
    expect(after.filter((r) => r.action === 'GetLabel' || r.action === 'ListSession')).toEqual([]);
    for (const { id } of saved) expect(run.post.stdout).toContain(`Deleted session ${id}`);
  });
});
