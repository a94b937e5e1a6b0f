/**
 * The operator's HTTP endpoint, on main's event loop (it never blocks a
 * worker: commands only touch shared words with Atomics). Binds 127.0.0.1.
 *
 *   GET /status, GET /positions, POST /halt, /reduce, /resume, /kill,
 *   /kill/release, /reload   ->  200 (or 409 when refused) with a JSON answer
 *
 * Every request is validated with zod: an unknown route or a body that is not
 * empty or `{"note": "..."}` is a 400 with a one-line JSON error; a body over
 * MAX_BODY_BYTES is a 413. With BOT4_CONTROL_TOKEN set, a request without
 * `Authorization: Bearer <that token>` is a 401, checked before anything else.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Command, ControlCommands } from './control-commands.js';

export const MAX_BODY_BYTES = 4096;

const ROUTES: Record<string, Command> = {
  'GET /status': 'status',
  'GET /positions': 'positions',
  'POST /halt': 'halt',
  'POST /reduce': 'reduce',
  'POST /resume': 'resume',
  'POST /kill': 'kill',
  'POST /kill/release': 'release-kill',
  'POST /reload': 'reload',
};
const routeSchema = z.enum(Object.keys(ROUTES) as [string, ...string[]]);
/** An optional note from the operator, logged with the command. */
const bodySchema = z.strictObject({ note: z.string().max(200).optional() });

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function send(res: ServerResponse, status: number, body: Record<string, unknown>): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body) + '\n');
}

/** The body, at most MAX_BODY_BYTES: a 413 as soon as it is known to be longer. */
async function readBody(req: IncomingMessage): Promise<string> {
  if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) throw new HttpError(413, `body over ${MAX_BODY_BYTES} bytes`);
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    bytes += c.length;
    if (bytes > MAX_BODY_BYTES) throw new HttpError(413, `body over ${MAX_BODY_BYTES} bytes`);
    chunks.push(c);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseBody(text: string): z.infer<typeof bodySchema> {
  if (text.trim() === '') return {};
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'body is not JSON');
  }
  const r = bodySchema.safeParse(json);
  if (!r.success) throw new HttpError(400, `bad body: ${r.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ')}`);
  return r.data;
}

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

export class ControlServer {
  private readonly server: Server;
  /** sha256 of the token: equal-length buffers for a constant-time compare. */
  private readonly token: Buffer | undefined;

  constructor(
    private readonly commands: ControlCommands,
    token: string | undefined,
  ) {
    this.token = token ? digest(token) : undefined;
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  /** Starts listening; resolves with the port (useful with port 0). */
  listen(port: number, host = '127.0.0.1'): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve((this.server.address() as AddressInfo).port);
      });
    });
  }

  address(): AddressInfo {
    return this.server.address() as AddressInfo;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private authorized(req: IncomingMessage): boolean {
    if (!this.token) return true;
    const m = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    return m !== null && timingSafeEqual(digest(m[1]), this.token);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      if (!this.authorized(req)) throw new HttpError(401, 'missing or wrong bearer token');
      const route = routeSchema.safeParse(`${req.method} ${(req.url ?? '').split('?')[0]}`);
      if (!route.success) throw new HttpError(400, `unknown command ${req.method} ${req.url}; commands: ${Object.keys(ROUTES).join(', ')}`);
      const body = parseBody(await readBody(req));
      const answer = this.commands.run(ROUTES[route.data], body.note ? `http: ${body.note}` : 'http');
      send(res, answer.status, answer.body);
    } catch (e) {
      // Close after an error: a 401 or 413 must not wait for (or keep) the rest of a body.
      res.setHeader('connection', 'close');
      // Anything else is our fault, not the caller's: 500, and the engine carries on.
      send(res, e instanceof HttpError ? e.status : 500, { error: e instanceof Error ? e.message : String(e) });
      req.resume();
    }
  }
}
