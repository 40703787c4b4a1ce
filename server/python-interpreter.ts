// Which Python runs the sessions' kernels, and whether it has IPython. With IPython the cells
// run in IPython's InteractiveShell (as code_latest's Jupyter kernel does); without it, in the
// stand-in (plain exec plus a small IPython.display shim), announced once on the server's stderr.
import { execFile } from 'node:child_process';
import { delimiter } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface PythonChoice {
  command: string;
  /** True when `command` can import IPython: the kernel runs cells in its InteractiveShell. */
  ipython: boolean;
}

const PYTHON_SHIMS = fileURLToPath(new URL('./python', import.meta.url));
/** Debian's interpreter first: `.ci/run` installs python3-ipython for it, so CI and a developer
 * machine run the same IPython. */
const DEFAULT_CANDIDATES = ['/usr/bin/python3', 'python3'];

const probes = new Map<string, Promise<boolean>>();

/**
 * `configured` (the server option or AGENTBAY_LOCAL_PYTHON) is used as it is; otherwise the
 * first default candidate with IPython, else `python3` with the stand-in.
 */
export async function choosePython(configured?: string): Promise<PythonChoice> {
  if (configured) return { command: configured, ipython: await hasIPython(configured) };
  for (const command of DEFAULT_CANDIDATES) {
    if (await hasIPython(command)) return { command, ipython: true };
  }
  return { command: 'python3', ipython: false };
}

/** The one-line notice printed when the stand-in runs Python. */
export function standInNotice(command: string): string {
  return (
    `Python: IPython is not importable by ${command}; running Python cells in the stand-in ` +
    `kernel (no %magics, !shell lines or get_ipython()). Install it, e.g. apt-get install python3-ipython.`
  );
}

function hasIPython(command: string): Promise<boolean> {
  let probe = probes.get(command);
  if (!probe) {
    probe = new Promise((resolve) => {
      execFile(
        command,
        ['-c', 'import importlib.util, sys; sys.exit(importlib.util.find_spec("IPython") is None)'],
        { env: withoutShims(process.env), timeout: 20_000 },
        (error) => resolve(!error),
      );
    });
    probes.set(command, probe);
  }
  return probe;
}

/** Environment of a Python interpreter run for run_code (no display; shims for the stand-in). */
export function pythonEnv(ipython: boolean): Record<string, string> {
  const inherited = process.env.PYTHONPATH;
  const pythonPath = ipython
    ? (inherited ?? '')
    : [PYTHON_SHIMS, inherited].filter(Boolean).join(delimiter);
  return {
    PYTHONPATH: pythonPath,
    PYTHONUNBUFFERED: '1',
    PYTHONDONTWRITEBYTECODE: '1',
    PYTHONIOENCODING: 'utf-8',
    // Jupyter's kernel shows figures inline (matplotlib-inline); the stand-in has no display.
    MPLBACKEND: ipython ? 'module://matplotlib_inline.backend_inline' : 'Agg',
  };
}

function withoutShims(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const pythonPath = (env.PYTHONPATH ?? '')
    .split(delimiter)
    .filter((dir) => dir && dir !== PYTHON_SHIMS)
    .join(delimiter);
  return { ...env, PYTHONPATH: pythonPath };
}
