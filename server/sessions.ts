import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ApiError, sessionNotFound } from './envelope.ts';
import { randomAlnum, newSessionId } from './ids.ts';
import { labelsMatch } from './labels.ts';
import { sessionDirs, type SessionDirs } from './sandbox-paths.ts';
import { formatBytes, treeSize, type DiskLimits } from './disk-limits.ts';
import { killSessionProcesses } from './session-processes.ts';
import type { SessionView } from './types.ts';

/** Anything running on behalf of a session that must die with it. */
export interface Killable {
  kill(reason: string): void;
}

/** A session as the server keeps it: what tests see, plus the server's own bookkeeping. */
export interface Session extends SessionView {
  appInstanceId: string;
  resourceId: string;
  /** Private directory: `work/` is the interpreters' cwd, `runs/` holds per-run files. */
  dir: string;
  /** Host directories standing for the sandbox's /workspace, /tmp/file-transfer and `/`. */
  dirs: SessionDirs;
  /** Creation order, used as the paging cursor so deletions between pages do not skip anything. */
  seq: number;
  running: Set<Killable>;
  /** Idle release after this long without a call naming the session (none when undefined). */
  idleMs?: number;
  /** What its processes may write (disk-limits.ts). */
  limits: DiskLimits;
  /** The directory's size when its processes were last killed for passing the limit. */
  overLimitBytes?: number;
  idleTimer?: NodeJS.Timeout;
  /** The hard ceiling from creation (MaxRuntime), busy or not. */
  ceilingTimer?: NodeJS.Timeout;
  deleteTimer?: NodeJS.Timeout;
}

export interface CreateParams {
  /** Normally generated; a test may impose one (any text: the service's id format is not ours). */
  id?: string;
  imageId: string;
  labels: Record<string, string>;
  lifecycle?: Lifecycle;
  loginRegionId?: string;
}

/**
 * The lifecycle a create asked for: SDK 0.21's LifecyclePolicy (`Timeout` and `MaxRuntime`,
 * both in minutes, when MaxRuntime is sent) or the older form (`Timeout` alone, in seconds).
 */
export interface Lifecycle {
  unit: 'minutes' | 'seconds';
  timeout?: number;
  maxRuntime?: number;
}

export interface ListParams {
  filter: Record<string, string>;
  status?: string;
  maxResults: number;
  nextToken?: string;
}

export interface ListPage {
  sessions: Session[];
  nextToken: string;
  totalCount: number;
}

export class SessionStore {
  private readonly all = new Map<string, Session>();
  private readonly root: string;
  private readonly deleteDelayMs: number;
  private readonly limits: DiskLimits;
  private diskWatch?: NodeJS.Timeout;
  private measuring = false;
  private nextSeq = 1;
  /** Called once when a session ends (kernels, context tasks, … clean up their share). */
  private readonly onEnd: ((session: Session) => void | Promise<void>)[] = [];

  /** How long a lifecycle minute lasts here (tests shorten it; 60 000 otherwise). */
  private readonly minuteMs: number;

  constructor(root: string, deleteDelayMs: number, limits: DiskLimits, minuteMs = 60_000) {
    this.root = root;
    this.deleteDelayMs = deleteDelayMs;
    this.limits = limits;
    this.diskWatch = setInterval(() => void this.enforceDiskLimit(), limits.checkIntervalMs);
    this.diskWatch.unref();
    this.minuteMs = minuteMs;
  }

  async create(params: CreateParams): Promise<Session> {
    const id = params.id ?? newSessionId();
    // An imposed id may hold anything (`/`, `..`): its directory is named by number instead.
    const dir = join(this.root, params.id === undefined ? id : `imposed-${this.nextSeq}`);
    const session: Session = {
      id,
      status: 'RUNNING',
      labels: params.labels,
      imageId: params.imageId,
      createdAt: Date.now(),
      lifecycle: params.lifecycle,
      loginRegionId: params.loginRegionId,
      runCount: 0,
      appInstanceId: `ai-${randomAlnum(16)}`,
      resourceId: `p-${randomAlnum(16)}`,
      dir,
      dirs: sessionDirs(dir),
      seq: this.nextSeq++,
      running: new Set(),
      limits: this.limits,
    };
    // Registered before the first await, so a concurrent create sees it when counting.
    this.all.set(id, session);
    this.arm(session, params.lifecycle);
    // The session's /tmp exists from the start, as on a real sandbox.
    const made = [...Object.values(session.dirs), join(session.dirs.root, 'tmp')];
    await Promise.all(made.map((path) => mkdir(path, { recursive: true })));
    this.touch(session);
    return session;
  }

  /** The idle release and the ceiling the create asked for, in this server's time. */
  private arm(session: Session, lifecycle: Lifecycle | undefined): void {
    if (!lifecycle) return;
    const unitMs = lifecycle.unit === 'minutes' ? this.minuteMs : this.minuteMs / 60;
    if (lifecycle.timeout) session.idleMs = lifecycle.timeout * unitMs;
    if (lifecycle.maxRuntime) {
      session.ceilingTimer = setTimeout(
        () => void this.release(session, 'max-runtime'),
        lifecycle.maxRuntime * unitMs,
      );
      session.ceilingTimer.unref();
    }
  }

  onSessionEnd(hook: (session: Session) => void | Promise<void>): void {
    this.onEnd.push(hook);
  }

  /** Sessions that count against the concurrent-session limit: not yet fully deleted. */
  existingCount(): number {
    let count = 0;
    for (const session of this.all.values()) if (session.status !== 'DELETED') count++;
    return count;
  }

  /** A session that can still be used (RUNNING); anything else is "not found" to the API. */
  requireRunning(id: string | undefined): Session {
    const session = id ? this.all.get(id) : undefined;
    if (!session || session.status !== 'RUNNING') throw sessionNotFound();
    return session;
  }

  /** A session that still exists, possibly on its way out (DELETING). */
  requireExisting(id: string | undefined): Session {
    const session = id ? this.all.get(id) : undefined;
    if (!session || session.status === 'DELETED') throw sessionNotFound();
    return session;
  }

  /** Any API call naming the session counts as activity and restarts the idle-release clock. */
  touch(session: Session): void {
    if (session.idleTimer) clearTimeout(session.idleTimer);
    session.idleTimer = undefined;
    if (!session.idleMs || session.status !== 'RUNNING') return;
    session.idleTimer = setTimeout(() => this.onIdle(session), session.idleMs);
    session.idleTimer.unref();
  }

  /** Registers running code; the session stays busy (not idle) until `done` settles. */
  track(session: Session, handle: Killable, done: Promise<unknown>, isCodeRun = true): void {
    session.running.add(handle);
    if (isCodeRun) session.runCount++;
    const finish = (): void => {
      session.running.delete(handle);
      this.touch(session);
    };
    done.then(finish, finish);
  }

  /** DeleteSessionAsync: DELETING now, DELETED after the configured delay. */
  deleteAsync(session: Session, by: string): void {
    if (session.status !== 'RUNNING') return;
    this.beginDelete(session, by);
    session.deleteTimer = setTimeout(() => void this.finishDelete(session), this.deleteDelayMs);
    session.deleteTimer.unref();
  }

  /** ReleaseMcpSession and idle release: gone immediately. */
  async release(session: Session, by: string): Promise<void> {
    if (session.status === 'RUNNING') this.beginDelete(session, by);
    await this.finishDelete(session);
  }

  list(params: ListParams): ListPage {
    const after = params.nextToken ? decodeToken(params.nextToken) : 0;
    const matching = [...this.all.values()].filter(
      (s) =>
        s.status !== 'DELETED' &&
        (!params.status || s.status === params.status) &&
        labelsMatch(s.labels, params.filter),
    );
    const rest = matching.filter((s) => s.seq > after);
    const page = rest.slice(0, params.maxResults);
    const last = page.at(-1);
    return {
      sessions: page,
      nextToken: rest.length > page.length && last ? encodeToken(last.seq) : '',
      totalCount: matching.length,
    };
  }

  views(): SessionView[] {
    return [...this.all.values()].map(toView);
  }

  /** Ends every session and removes all work dirs; used when the server shuts down. */
  async closeAll(): Promise<void> {
    clearInterval(this.diskWatch);
    await Promise.all([...this.all.values()].map((s) => this.release(s, 'server-close')));
  }

  private beginDelete(session: Session, by: string): void {
    session.status = 'DELETING';
    session.deletedBy = by;
    if (session.idleTimer) clearTimeout(session.idleTimer);
    if (session.ceilingTimer) clearTimeout(session.ceilingTimer);
    for (const run of session.running) run.kill('session deleted');
  }

  private async finishDelete(session: Session): Promise<void> {
    if (session.deleteTimer) clearTimeout(session.deleteTimer);
    if (session.idleTimer) clearTimeout(session.idleTimer);
    if (session.ceilingTimer) clearTimeout(session.ceilingTimer);
    session.status = 'DELETED';
    for (const run of session.running) run.kill('session deleted');
    for (const hook of this.onEnd) await hook(session);
    // Detached background jobs outlive the call that started them, not the session.
    await killSessionProcesses(session.id);
    await rm(session.dir, { recursive: true, force: true }).catch(() => undefined);
  }

  /**
   * A session whose directory passed its limit has everything it runs killed (calls in flight
   * answer KilledError naming the limit), so a runaway job stops filling the disk. Its files
   * stay; while over the limit, whatever makes the directory grow again is killed again, and
   * what shrinks it (rm) is left alone.
   */
  private async enforceDiskLimit(): Promise<void> {
    if (this.measuring) return;
    this.measuring = true;
    try {
      for (const session of this.all.values()) {
        if (session.status !== 'RUNNING') continue;
        const max = session.limits.maxSessionBytes;
        const size = await treeSize(session.dir);
        if (size <= max) {
          session.overLimitBytes = undefined;
          continue;
        }
        if (size <= (session.overLimitBytes ?? 0)) continue;
        const reason = `session's files passed the local server's ${formatBytes(max)} limit`;
        for (const run of session.running) run.kill(reason);
        await killSessionProcesses(session.id);
        // Measured again once they are dead: what they wrote meanwhile is not new growth.
        session.overLimitBytes = await treeSize(session.dir);
      }
    } finally {
      this.measuring = false;
    }
  }

  private onIdle(session: Session): void {
    session.idleTimer = undefined;
    if (session.status !== 'RUNNING') return;
    // Code still running is activity; look again when it finishes (track() re-arms the timer).
    if (session.running.size > 0) return;
    void this.release(session, 'idle-timeout');
  }
}

function toView(s: Session): SessionView {
  const view: SessionView = {
    id: s.id,
    status: s.status,
    labels: { ...s.labels },
    imageId: s.imageId,
    createdAt: s.createdAt,
    runCount: s.runCount,
  };
  if (s.lifecycle) view.lifecycle = { ...s.lifecycle };
  const perUnit = s.lifecycle?.unit === 'minutes' ? 60 : 1;
  if (s.lifecycle?.timeout !== undefined) view.idleTimeoutS = s.lifecycle.timeout * perUnit;
  if (s.loginRegionId !== undefined) view.loginRegionId = s.loginRegionId;
  if (s.deletedBy !== undefined) view.deletedBy = s.deletedBy;
  return view;
}

// The token is opaque to clients; inside it is the creation sequence number of the last item sent.
function encodeToken(seq: number): string {
  return Buffer.from(`after:${seq}`).toString('base64url');
}

function decodeToken(token: string): number {
  const match = /^after:(\d+)$/.exec(Buffer.from(token, 'base64url').toString());
  if (!match?.[1]) throw new ApiError('InvalidParameter.NextToken', 'NextToken is not valid');
  return Number(match[1]);
}
