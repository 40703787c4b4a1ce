// A loopback stand-in for the two GitHub services the action talks to when asked: the
// artifact service (@actions/artifact v6: Twirp CreateArtifact/FinalizeArtifact and the
// signed blob upload URL, spoken by the Azure blob client) and the REST API's issue comments
// (list, create, update), a pull request's files (paged, with Link headers) and the compare of
// two commits, as the real Octokit client calls them.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedCall {
  method: string;
  path: string;
  query: Record<string, string>;
  authorization: string;
  body: string;
}

export interface Comment {
  id: number;
  body: string;
  html_url: string;
  user: { login: string; type: string };
}

export interface UploadedArtifact {
  name: string;
  workflowRunBackendId: string;
  workflowJobRunBackendId: string;
  /** The uploaded blob (a zip), assembled from its blocks. */
  content: Buffer;
  finalized: boolean;
  size: string;
  hash: string;
}

export interface FakeGitHub {
  url: string;
  calls(): RecordedCall[];
  comments(): Comment[];
  artifacts(): UploadedArtifact[];
  /** Puts a comment on the pull request as if someone had written it. */
  addComment(body: string, login?: string): Comment;
  /** Answer the comment calls with this HTTP status (e.g. 403), or normally when undefined. */
  failComments(status: number | undefined): void;
  /** What the pull request's files (GET …/pulls/N/files) and every compare list. */
  setChangedFiles(files: ChangedFile[]): void;
  /** Answer the file-list calls with this HTTP status, or normally when undefined. */
  failChangedFiles(status: number | undefined): void;
  reset(): void;
  close(): Promise<void>;
}

/** A file as the pull-request files and compare endpoints list it. */
export interface ChangedFile {
  filename: string;
  status: 'added' | 'modified' | 'removed' | 'renamed' | 'copied' | 'changed' | 'unchanged';
  previous_filename?: string;
}

const TWIRP = '/twirp/github.actions.results.api.v1.ArtifactService/';
export const RUN_BACKEND_ID = 'c2b2a0e3-1111-4c4c-9d9d-000000000001';
export const JOB_BACKEND_ID = 'c2b2a0e3-2222-4c4c-9d9d-000000000002';
export const ARTIFACT_ID = 987654;

/** A JWT with the one claim @actions/artifact reads (it decodes, it does not verify). */
export function fakeRuntimeToken(): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return [
    part({ alg: 'none', typ: 'JWT' }),
    part({ scp: `Actions.GenericRead Actions.Results:${RUN_BACKEND_ID}:${JOB_BACKEND_ID}` }),
    'signature',
  ].join('.');
}

export async function startFakeGitHub(): Promise<FakeGitHub> {
  let calls: RecordedCall[] = [];
  let comments: Comment[] = [];
  let artifacts: UploadedArtifact[] = [];
  let blocks = new Map<string, Map<string, Buffer>>();
  let blobs = new Map<string, Buffer>();
  let commentFailure: number | undefined;
  let changedFiles: ChangedFile[] = [];
  let changedFailure: number | undefined;
  let nextId = 1000;
  let base = '';

  const server: Server = createServer((req, res) => {
    void readBody(req).then((raw) => {
      const url = new URL(req.url ?? '/', base);
      const body = raw.toString('utf8');
      calls.push({
        method: req.method ?? '',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        authorization: req.headers.authorization ?? '',
        body: url.pathname.startsWith('/blob/') ? `<${raw.length} bytes>` : body,
      });
      const json = (status: number, value: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(value));
      };

      if (req.method === 'POST' && url.pathname === `${TWIRP}CreateArtifact`) {
        const request = JSON.parse(body) as Record<string, string>;
        artifacts.push({
          name: request.name ?? '',
          // Twirp's JSON uses the proto field names.
          workflowRunBackendId: request.workflow_run_backend_id ?? '',
          workflowJobRunBackendId: request.workflow_job_run_backend_id ?? '',
          content: Buffer.alloc(0),
          finalized: false,
          size: '',
          hash: '',
        });
        const blob = `/blob/artifacts/${encodeURIComponent(request.name ?? '')}.zip`;
        return json(200, { ok: true, signedUploadUrl: `${base}${blob}?sig=fake-signature` });
      }
      if (req.method === 'POST' && url.pathname === `${TWIRP}FinalizeArtifact`) {
        const request = JSON.parse(body) as { name: string; size: string; hash?: string };
        const artifact = artifacts.find((a) => a.name === request.name);
        if (!artifact) return json(404, { code: 'not_found', msg: 'no such artifact' });
        artifact.finalized = true;
        artifact.size = request.size;
        artifact.hash = request.hash ?? '';
        artifact.content =
          blobs.get(`/blob/artifacts/${encodeURIComponent(request.name)}.zip`) ?? Buffer.alloc(0);
        return json(200, { ok: true, artifactId: String(ARTIFACT_ID) });
      }
      if (req.method === 'PUT' && url.pathname.startsWith('/blob/')) {
        return putBlob(url, raw, res);
      }

      const issueComments = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/.exec(
        url.pathname,
      );
      const oneComment = /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/.exec(url.pathname);
      if ((issueComments || oneComment) && commentFailure) {
        return json(commentFailure, {
          message: 'Resource not accessible by integration',
          status: String(commentFailure),
        });
      }
      const pullFiles = /^\/repos\/[^/]+\/[^/]+\/pulls\/\d+\/files$/.test(url.pathname);
      const compare = /^\/repos\/[^/]+\/[^/]+\/compare\/[^/]+$/.test(url.pathname);
      if ((pullFiles || compare) && changedFailure) {
        return json(changedFailure, {
          message: 'Resource not accessible by integration',
          status: String(changedFailure),
        });
      }
      if (pullFiles && req.method === 'GET') return pageOf(url, changedFiles, res);
      if (compare && req.method === 'GET') {
        // GitHub lists a compare's files once, on the first page, at most 300 of them.
        return json(200, { status: 'ahead', commits: [], files: changedFiles.slice(0, 300) });
      }
      // The workflow's GITHUB_TOKEN cannot ask who it is.
      if (url.pathname === '/user' && req.method === 'GET') {
        return json(403, { message: 'Resource not accessible by integration' });
      }
      if (issueComments && req.method === 'GET') return json(200, comments);
      if (issueComments && req.method === 'POST') {
        const created = makeComment(JSON.parse(body).body, 'github-actions[bot]');
        return json(201, created);
      }
      if (oneComment && req.method === 'PATCH') {
        const comment = comments.find((c) => c.id === Number(oneComment[3]));
        if (!comment) return json(404, { message: 'Not Found' });
        comment.body = JSON.parse(body).body;
        return json(200, comment);
      }
      json(404, { message: `fake GitHub: no route for ${req.method} ${url.pathname}` });
    });
  });

  function putBlob(url: URL, raw: Buffer, res: ServerResponse): void {
    const key = url.pathname;
    const comp = url.searchParams.get('comp');
    if (comp === 'block') {
      const staged = blocks.get(key) ?? new Map<string, Buffer>();
      staged.set(url.searchParams.get('blockid') ?? '', raw);
      blocks.set(key, staged);
    } else if (comp === 'blocklist') {
      const ids = [
        ...raw.toString('utf8').matchAll(/<(?:Latest|Uncommitted|Committed)>([^<]*)</g),
      ].map((m) => m[1] ?? '');
      const staged = blocks.get(key) ?? new Map<string, Buffer>();
      blobs.set(key, Buffer.concat(ids.map((id) => staged.get(id) ?? Buffer.alloc(0))));
    } else {
      blobs.set(key, raw);
    }
    res.writeHead(201, {
      etag: '"0x8D000000000000"',
      'last-modified': new Date().toUTCString(),
      'x-ms-request-id': `req-${nextId++}`,
      'x-ms-version': '2025-01-05',
      'x-ms-request-server-encrypted': 'true',
      date: new Date().toUTCString(),
    });
    res.end();
  }

  /** One page of a list, with GitHub's Link header naming the next and last pages. */
  function pageOf(url: URL, items: unknown[], res: ServerResponse): void {
    const perPage = Math.min(100, Number(url.searchParams.get('per_page') ?? 30));
    const page = Math.max(1, Number(url.searchParams.get('page') ?? 1));
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const link = (n: number) => {
      const next = new URL(url);
      next.searchParams.set('page', String(n));
      next.searchParams.set('per_page', String(perPage));
      return next.toString();
    };
    const links =
      page < last ? [`<${link(page + 1)}>; rel="next"`, `<${link(last)}>; rel="last"`] : [];
    res.writeHead(200, {
      'content-type': 'application/json',
      ...(links.length > 0 ? { link: links.join(', ') } : {}),
    });
    res.end(JSON.stringify(items.slice((page - 1) * perPage, page * perPage)));
  }

  function makeComment(body: string, login: string): Comment {
    const id = nextId++;
    const comment = {
      id,
      body,
      html_url: `https://github.com/octo/agentbay-demo/pull/7#issuecomment-${id}`,
      user: { login, type: login.endsWith('[bot]') ? 'Bot' : 'User' },
    };
    comments.push(comment);
    return comment;
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    calls: () => calls,
    comments: () => comments,
    artifacts: () => artifacts,
    addComment: (body, login = 'someone') => makeComment(body, login),
    failComments: (status) => (commentFailure = status),
    setChangedFiles: (files) => (changedFiles = files),
    failChangedFiles: (status) => (changedFailure = status),
    reset: () => {
      calls = [];
      comments = [];
      artifacts = [];
      blocks = new Map();
      blobs = new Map();
      commentFailure = undefined;
      changedFiles = [];
      changedFailure = undefined;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
