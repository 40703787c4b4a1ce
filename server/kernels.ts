// The persistent Python kernels, one per session that ran Python, ended with their session.
import { PythonKernel } from './python-kernel.ts';
import type { Session, SessionStore } from './sessions.ts';

export class KernelPool {
  private readonly kernels = new Map<string, PythonKernel>();

  constructor(store: SessionStore) {
    store.onSessionEnd((session) => {
      this.kernels.get(session.id)?.end();
      this.kernels.delete(session.id);
    });
  }

  for(session: Session): PythonKernel {
    let kernel = this.kernels.get(session.id);
    if (!kernel) {
      kernel = new PythonKernel(session);
      this.kernels.set(session.id, kernel);
    }
    return kernel;
  }
}
