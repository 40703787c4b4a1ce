// The persistent kernels, one per session and language that ran, ended with their session.
import { CellKernel, type KernelSpec } from './cell-kernel.ts';
import { javaSpec, pythonSpec, rSpec } from './kernel-specs.ts';
import { choosePython, standInNotice, type PythonChoice } from './python-interpreter.ts';
import type { Session, SessionStore } from './sessions.ts';

export type KernelLanguage = 'python' | 'r' | 'java';

export class KernelPool {
  private readonly kernels = new Map<string, Map<KernelLanguage, CellKernel>>();
  private readonly specs: Record<KernelLanguage, KernelSpec>;
  private readonly python: () => Promise<PythonChoice>;

  /** `python`: the interpreter configured for the server (else found, see python-interpreter.ts). */
  constructor(store: SessionStore, python?: string) {
    let choice: Promise<PythonChoice> | undefined;
    this.python = () => (choice ??= choosePython(python));
    this.specs = { python: pythonSpec(this.python), r: rSpec, java: javaSpec };
    store.onSessionEnd((session) => {
      for (const kernel of this.kernels.get(session.id)?.values() ?? []) kernel.end();
      this.kernels.delete(session.id);
    });
  }

  /** Finds the Python interpreter now; prints the one-line notice when it has no IPython. */
  async announce(): Promise<void> {
    const choice = await this.python();
    if (!choice.ipython) process.stderr.write(`${standInNotice(choice.command)}\n`);
  }

  async pythonCommand(): Promise<string> {
    return (await this.python()).command;
  }

  for(session: Session, language: KernelLanguage): CellKernel {
    let mine = this.kernels.get(session.id);
    if (!mine) {
      mine = new Map();
      this.kernels.set(session.id, mine);
    }
    let kernel = mine.get(language);
    if (!kernel) {
      kernel = new CellKernel(session, this.specs[language]);
      mine.set(language, kernel);
    }
    return kernel;
  }
}
