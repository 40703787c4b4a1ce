// How each persistent kernel is started: Python (IPython's shell, or the stand-in), R, JShell.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CellRequest, KernelSpec } from './cell-kernel.ts';
import { pythonEnv, type PythonChoice } from './python-interpreter.ts';

const PYTHON_KERNEL = fileURLToPath(new URL('./python_kernel.py', import.meta.url));

export function pythonSpec(choice: () => Promise<PythonChoice>): KernelSpec {
  return {
    cellFile: 'cell.py',
    async launch(session) {
      const { command, ipython } = await choice();
      return {
        command,
        args: ['-u', PYTHON_KERNEL, ipython ? 'ipython' : 'standin'],
        // IPython's own files (profile, caches) stay in the session, not in the user's home.
        env: { ...pythonEnv(ipython), IPYTHONDIR: join(session.dir, 'ipython') },
      };
    },
    request: (paths: CellRequest) => JSON.stringify(paths),
  };
}

const R_KERNEL = fileURLToPath(new URL('./r_kernel.R', import.meta.url));

/**
 * Runs `command args…` with the requests on fd 4, the control pipe on fd 3 and an empty stdin
 * for the cells. Node's stdio are sockets, which R and Java cannot open as /dev/fd/N: a `cat`
 * relays each through a real pipe.
 */
function withRequestsOnFd4(command: string, args: string[]): { command: string; args: string[] } {
  return {
    command: 'bash',
    args: [
      '-c',
      'exec "$@" 4< <(exec cat) 3> >(exec cat >&3) </dev/null',
      'kernel',
      command,
      ...args,
    ],
  };
}

const tabLine = (paths: CellRequest): string =>
  [paths.cell, paths.resultFile, paths.marker, paths.clearMarker].join('\t');

export const rSpec: KernelSpec = {
  cellFile: 'cell.R',
  launch: async () => ({ ...withRequestsOnFd4('Rscript', [R_KERNEL]), env: {} }),
  request: tabLine,
};

const JSHELL_KERNEL = fileURLToPath(new URL('./JShellKernel.java', import.meta.url));

export const javaSpec: KernelSpec = {
  cellFile: 'cell.jsh',
  launch: async () => ({
    // C1-only JIT and serial GC make the kernel start faster, as for a one-off program.
    ...withRequestsOnFd4('java', ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', JSHELL_KERNEL]),
    env: {},
  }),
  request: tabLine,
};
