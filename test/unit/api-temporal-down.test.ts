/**
 * The trigger callout while Temporal is down, with the real Temporal client (no fake): the org's callout times out
 * after 10 s, so the API must answer its 503 well before, whatever the client does underneath (reconnects,
 * retries of UNAVAILABLE). Two ways of being down: nothing listens (connection refused), and a server that takes
 * the connection and never answers.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { createApiServer } from '../../client/server';
import { calloutHeaders } from '../../domain/callout-signature';

const SECRET = 'a-callout-secret-of-32-characters';
const BODY = JSON.stringify({
  events: [{ operation: 'delete', event: { Id: '00U5g00000XyZabEAF', SystemModstamp: '2026-11-20T09:00:00.000Z' } }],
});
/** What the org can live with: its callout timeout is 10 s. */
const ANSWER_WITHIN_MS = 5_000;

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function closedPort(): Promise<number> {
  const server = createServer();
  const port = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('the callout while Temporal is unreachable', () => {
  const sockets: Socket[] = [];
  const silent = createServer((socket) => sockets.push(socket));
  let app: FastifyInstance | undefined;

  afterEach(async () => {
    await app?.close();
    // The connection is left open: the SDK's retry of UNAVAILABLE has a timer of its own that outlives the call
    // (it ends at its next attempt, past the deadline), and it throws if its channel has been closed meanwhile.
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    if (silent.listening) await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  async function apiOn(port: number): Promise<FastifyInstance> {
    const connection = Connection.lazy({ address: `127.0.0.1:${port}` });
    const temporal = new Client({ connection, namespace: 'default' });
    app = createApiServer({ calloutSecret: SECRET, temporal, taskQueue: 'nowhere', logger: false });
    await app.ready();
    return app;
  }

  it.each([
    ['nothing listens', closedPort],
    ['the server takes the connection and never answers', () => listen(silent)],
  ])('answers 503 with Retry-After within 5 s when %s', async (_label, port) => {
    const api = await apiOn(await port());
    const startedAt = Date.now();
    const response = await api.inject({
      method: 'POST',
      url: '/v1/salesforce/events',
      payload: BODY,
      headers: calloutHeaders(SECRET, BODY),
    });
    const elapsedMs = Date.now() - startedAt;
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('5');
    expect(response.json()).toEqual({ error: 'Temporal is unavailable; send the whole batch again later' });
    expect(elapsedMs).toBeLessThan(ANSWER_WITHIN_MS);
  });
});
