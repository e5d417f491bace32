import { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';

/**
 * The admin API both emulators share, under `/_emulator/`: a log of every API call, injected faults and a
 * reset. Admin routes are neither logged nor subject to faults.
 */

export interface RecordedRequest {
  method: string;
  path: string;
  status: number;
  /** Epoch milliseconds when the request arrived and when the answer was sent. */
  startedAt: number;
  finishedAt: number;
}

export interface FaultSpec {
  /** HTTP method to match, or '*' (default). */
  method?: string;
  /** Regular expression matched against the request path (without the query string). */
  path: string;
  /** How many matching calls fail (default 1). */
  times?: number;
  /** Status to answer; omit with `delayMs` alone to only slow the call down. */
  status?: number;
  body?: unknown;
  /** Value of the `Retry-After` header (seconds or an HTTP/ISO date). */
  retryAfter?: string;
  headers?: Record<string, string>;
  delayMs?: number;
  /**
   * 'before' (default): the call fails without reaching the emulated API. 'after': the API does its work and
   * only the answer is replaced, as when a response is lost after the server acted (the case that tests
   * idempotency).
   */
  when?: 'before' | 'after';
}

interface ActiveFault extends FaultSpec {
  pattern: RegExp;
  remaining: number;
}

export const ADMIN_PREFIX = '/_emulator/';
/** The request log keeps the newest calls only, so a long `npm start` session does not grow without bound. */
export const MAX_RECORDED_REQUESTS = 100_000;

function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

function applyFaultHeaders(reply: FastifyReply, fault: FaultSpec): void {
  if (fault.retryAfter !== undefined) reply.header('retry-after', fault.retryAfter);
  for (const [name, value] of Object.entries(fault.headers ?? {})) reply.header(name, value);
}

export class EmulatorAdmin {
  readonly requests: RecordedRequest[] = [];
  private faults: ActiveFault[] = [];
  private readonly resetHooks: (() => void)[] = [];

  onReset(hook: () => void): void {
    this.resetHooks.push(hook);
  }

  addFault(spec: FaultSpec): void {
    if (typeof spec.path !== 'string' || spec.path.length === 0) throw new Error('fault.path is required');
    this.faults.push({ ...spec, pattern: new RegExp(spec.path), remaining: spec.times ?? 1 });
  }

  reset(): void {
    this.requests.length = 0;
    this.faults = [];
    for (const hook of this.resetHooks) hook();
  }

  /** Takes the first fault matching this call, if any, and uses up one of its repetitions. */
  takeFault(method: string, path: string): FaultSpec | undefined {
    const fault = this.faults.find(
      (f) =>
        f.remaining > 0 && (!f.method || f.method === '*' || f.method.toUpperCase() === method) && f.pattern.test(path),
    );
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining === 0) this.faults = this.faults.filter((f) => f !== fault);
    return fault;
  }

  /** Wires request logging, fault injection and the admin routes into an emulator's server. */
  register(app: FastifyInstance): void {
    app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
      (request as FastifyRequest & { startedAt?: number }).startedAt = Date.now();
      const path = pathOf(request.url);
      if (path.startsWith(ADMIN_PREFIX)) return;
      const fault = this.takeFault(request.method, path);
      if (!fault) return;
      if (fault.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
      if (fault.status === undefined) return;
      if (fault.when === 'after') {
        (request as FastifyRequest & { lateFault?: FaultSpec }).lateFault = fault;
        return;
      }
      applyFaultHeaders(reply, fault);
      return reply.code(fault.status).send(fault.body ?? '');
    });
    app.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
      const fault = (request as FastifyRequest & { lateFault?: FaultSpec }).lateFault;
      if (!fault || fault.status === undefined) return payload;
      applyFaultHeaders(reply, fault);
      reply.code(fault.status);
      const body = fault.body ?? '';
      if (typeof body !== 'string') reply.header('content-type', 'application/json; charset=utf-8');
      return typeof body === 'string' ? body : JSON.stringify(body);
    });
    app.addHook('onResponse', async (request: FastifyRequest, reply: FastifyReply) => {
      const path = pathOf(request.url);
      if (path.startsWith(ADMIN_PREFIX)) return;
      const startedAt = (request as FastifyRequest & { startedAt?: number }).startedAt ?? Date.now();
      this.requests.push({ method: request.method, path, status: reply.statusCode, startedAt, finishedAt: Date.now() });
      if (this.requests.length > MAX_RECORDED_REQUESTS)
        this.requests.splice(0, this.requests.length - MAX_RECORDED_REQUESTS);
    });
    app.get(`${ADMIN_PREFIX}requests`, async () => ({ requests: this.requests }));
    app.post(`${ADMIN_PREFIX}faults`, async (request, reply) => {
      const body = request.body as FaultSpec | { faults: FaultSpec[] };
      const specs = 'faults' in body && Array.isArray(body.faults) ? body.faults : [body as FaultSpec];
      try {
        specs.forEach((spec) => this.addFault(spec));
      } catch (error) {
        return reply.code(400).send({ error: (error as Error).message });
      }
      return reply.code(201).send({ added: specs.length });
    });
    app.post(`${ADMIN_PREFIX}reset`, async (_request, reply) => {
      this.reset();
      return reply.code(204).send();
    });
  }
}
