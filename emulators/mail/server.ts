/**
 * A mail sink for the embedded stack and tests: an SMTP server that accepts every message (no TLS; any or no
 * authentication, or with `accounts` only those), parses it with mailparser and keeps the last 500 in memory, plus
 * a small web UI and JSON API, and an IMAP4rev1 server (imap-server.ts) on each sender's "Sent" mailbox:
 *
 * Like Gmail and Microsoft 365, every message accepted over SMTP is filed in its sender's Sent mailbox at
 * acceptance, the sender being the SMTP login (else the envelope sender). The Sent mailbox keeps only headers
 * (what a search reads) and is not emptied by the clear actions below, which empty the recipients' view.
 *
 *   GET    /                                   HTML list of messages, newest first
 *   GET    /messages/:id                       one message (HTML body in a sandboxed iframe, text, attachments)
 *   GET    /messages/:id/attachments/:index    an attachment, as a download
 *   POST   /clear                              delete every message (the button on /), then back to /
 *   GET    /api/messages[?to=&subject=]        JSON, newest first (filters: recipient address, subject substring)
 *   GET    /api/messages/:id                   JSON of one message
 *   DELETE /api/messages                       delete every message
 *
 * Everything rendered is escaped; message HTML only ever goes into an iframe `srcdoc` without script permissions.
 */
import { type AddressInfo } from 'node:net';
import fastify, { type FastifyInstance } from 'fastify';
import { type AddressObject, type Attachment, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { createImapServer, type ImapMailbox, type ImapMessage } from './imap-server';

export const MAX_MESSAGES = 500;
/** Per sender; older ones leave the Sent mailbox first (a bound for a long-running stack). */
export const MAX_SENT_MESSAGES = 10_000;
export const SENT_MAILBOX = 'Sent';
const MAX_MESSAGE_BYTES = 25 * 1024 * 1024;

export interface MailAddress {
  name: string;
  address: string;
}

export interface StoredAttachment {
  filename: string;
  contentType: string;
  size: number;
  /** Text of calendar invitations (.ics, text/calendar) and other text attachments; absent for binary ones. */
  content?: string;
}

export interface StoredMessage {
  id: string;
  receivedAt: string;
  /** The `Message-ID` header, angle brackets included, when present. */
  messageId: string | null;
  /** The `Date` header (ISO), when present and valid. */
  date: string | null;
  from: MailAddress | null;
  to: MailAddress[];
  cc: MailAddress[];
  /** SMTP envelope: who actually received it (includes Bcc). */
  envelope: { from: string | null; to: string[] };
  subject: string;
  text: string | null;
  html: string | null;
  attachments: StoredAttachment[];
}

interface Entry {
  message: StoredMessage;
  /** Raw attachment bytes, for downloads. */
  contents: Buffer[];
}

export interface MailSinkOptions {
  /** SMTP port; 0 picks a free one. Default 1025. */
  smtpPort?: number;
  /** Web UI / JSON API port; 0 picks a free one. Default 8025. */
  webPort?: number;
  /** IMAP port; 0 picks a free one. Default 1143. */
  imapPort?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** user → password: SMTP then requires one of these logins and IMAP accepts only these. Unset: any login. */
  accounts?: Record<string, string>;
}

export interface MailSink {
  listen(): Promise<{ smtpUrl: string; webUrl: string; imapUrl: string }>;
  close(): Promise<void>;
  /** Stored messages, newest first. */
  messages(): StoredMessage[];
  clear(): void;
  /** Resolves with the first stored (or future) message matching `predicate`; rejects after `timeoutMs`. */
  waitForMessage(predicate: (message: StoredMessage) => boolean, timeoutMs?: number): Promise<StoredMessage>;
}

export function createMailSink(options: MailSinkOptions = {}): MailSink {
  const host = options.host ?? '127.0.0.1';
  const entries: Entry[] = []; // oldest first
  let nextId = 1;
  const waiters = new Set<(message: StoredMessage) => void>();
  const accounts = options.accounts;
  const sent = new Map<string, { messages: ImapMessage[]; uidNext: number }>();
  const uidValidity = Math.floor(Date.now() / 1000);

  function fileAsSent(sender: string, headers: ImapMessage['headers']): void {
    const key = sender.toLowerCase();
    const mailbox = sent.get(key) ?? { messages: [], uidNext: 1 };
    sent.set(key, mailbox);
    mailbox.messages.push({ uid: mailbox.uidNext++, headers });
    if (mailbox.messages.length > MAX_SENT_MESSAGES) mailbox.messages.shift();
  }

  const imap = createImapServer({
    authenticate: (user, password) =>
      accounts ? Object.hasOwn(accounts, user) && accounts[user] === password : user !== '' && password !== '',
    mailboxNames: () => ['INBOX', SENT_MAILBOX],
    mailbox(user, name): ImapMailbox | undefined {
      if (name.toUpperCase() === 'INBOX') return { uidValidity, uidNext: 1, messages: [] };
      if (name !== SENT_MAILBOX) return undefined;
      const mailbox = sent.get(user.toLowerCase()) ?? { messages: [], uidNext: 1 };
      return { uidValidity, uidNext: mailbox.uidNext, messages: mailbox.messages };
    },
  });

  function store(entry: Entry): void {
    entries.push(entry);
    if (entries.length > MAX_MESSAGES) entries.splice(0, entries.length - MAX_MESSAGES);
    for (const waiter of [...waiters]) waiter(entry.message);
  }

  const find = (id: string) => entries.find((e) => e.message.id === id);
  const newestFirst = () => entries.map((e) => e.message).reverse();

  const smtp = new SMTPServer({
    secure: false,
    hideSTARTTLS: true,
    disabledCommands: ['STARTTLS'],
    authOptional: !accounts,
    allowInsecureAuth: true,
    disableReverseLookup: true,
    size: MAX_MESSAGE_BYTES,
    logger: false,
    banner: 'zoom-salesforce mail sink',
    onAuth(auth, _session, callback) {
      const user = auth.username ?? '';
      if (accounts && !(Object.hasOwn(accounts, user) && accounts[user] === auth.password))
        return callback(Object.assign(new Error('Invalid login'), { responseCode: 535 }));
      callback(null, { user }); // without accounts, any credentials will do
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          if (stream.sizeExceeded) {
            const error = Object.assign(new Error('Message exceeds the size limit'), { responseCode: 552 });
            callback(error);
            return;
          }
          const id = String(nextId++);
          const sender = typeof session.user === 'string' && session.user ? session.user : session.envelope.mailFrom;
          if (sender)
            fileAsSent(typeof sender === 'string' ? sender : sender.address, headerFields(parsed.headerLines));
          const contents = parsed.attachments.map((a) => a.content);
          store({
            contents,
            message: {
              id,
              receivedAt: new Date().toISOString(),
              messageId: parsed.messageId ?? null,
              date: parsed.date && !Number.isNaN(parsed.date.getTime()) ? parsed.date.toISOString() : null,
              from: addresses(parsed.from)[0] ?? null,
              to: addresses(parsed.to),
              cc: addresses(parsed.cc),
              envelope: {
                from: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
                to: session.envelope.rcptTo.map((r) => r.address),
              },
              subject: parsed.subject ?? '',
              text: parsed.text ?? null,
              html: typeof parsed.html === 'string' ? parsed.html : null,
              attachments: parsed.attachments.map(describeAttachment),
            },
          });
          callback(null, `Stored as message ${id}`);
        })
        .catch((error: Error) => callback(error));
    },
  });

  const web = createWebApp({
    list: newestFirst,
    find,
    clear: () => entries.splice(0, entries.length),
  });

  let listening = false;

  return {
    async listen() {
      await new Promise<void>((resolve, reject) => {
        smtp.server.once('error', reject);
        smtp.listen(options.smtpPort ?? 1025, host, () => {
          smtp.server.off('error', reject);
          resolve();
        });
      });
      listening = true;
      try {
        await web.listen({ port: options.webPort ?? 8025, host });
      } catch (error) {
        await closeSmtp();
        throw error;
      }
      let imapPort: number;
      try {
        imapPort = await imap.listen(options.imapPort ?? 1143, host);
      } catch (error) {
        await web.close();
        await closeSmtp();
        throw error;
      }
      const smtpPort = (smtp.server.address() as AddressInfo).port;
      const webPort = (web.server.address() as AddressInfo).port;
      const urlHost = host.includes(':') ? `[${host}]` : host;
      return {
        smtpUrl: `smtp://${urlHost}:${smtpPort}`,
        webUrl: `http://${urlHost}:${webPort}`,
        imapUrl: `imap://${urlHost}:${imapPort}`,
      };
    },
    async close() {
      await imap.close();
      await web.close();
      await closeSmtp();
    },
    messages: newestFirst,
    clear() {
      entries.splice(0, entries.length);
    },
    waitForMessage(predicate, timeoutMs = 10_000) {
      const existing = newestFirst().find(predicate);
      if (existing) return Promise.resolve(existing);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`No matching message within ${timeoutMs} ms`));
        }, timeoutMs);
        const waiter = (message: StoredMessage) => {
          if (!predicate(message)) return;
          clearTimeout(timer);
          waiters.delete(waiter);
          resolve(message);
        };
        waiters.add(waiter);
      });
    },
  };

  function closeSmtp(): Promise<void> {
    if (!listening) return Promise.resolve();
    listening = false;
    return new Promise((resolve) => smtp.close(() => resolve()));
  }
}

/** Header fields as IMAP's HEADER search reads them: names lower-cased, values unfolded (RFC 5322 §2.2.3). */
function headerFields(lines: readonly { key: string; line: string }[]): ImapMessage['headers'] {
  return lines.map(({ key, line }) => [
    key.toLowerCase(),
    line
      .slice(line.indexOf(':') + 1)
      .replace(/\r?\n(?=[ \t])/g, '')
      .trim(),
  ]);
}

/** SMTP_URL and IMAP_URL (its Sent mailbox) for a sender logging in to the sink as `account`. */
export function senderUrls(
  urls: { smtpUrl: string; imapUrl: string },
  account: { user: string; password: string },
): { smtpUrl: string; imapUrl: string } {
  const login = `//${encodeURIComponent(account.user)}:${encodeURIComponent(account.password)}@`;
  return {
    smtpUrl: urls.smtpUrl.replace('//', login),
    imapUrl: `${urls.imapUrl.replace('//', login)}/${encodeURIComponent(SENT_MAILBOX)}`,
  };
}

function addresses(field: AddressObject | AddressObject[] | undefined): MailAddress[] {
  const objects = field === undefined ? [] : Array.isArray(field) ? field : [field];
  const out: MailAddress[] = [];
  const visit = (list: { name: string; address?: string; group?: { name: string; address?: string }[] }[]) => {
    for (const a of list) {
      if (a.group) visit(a.group);
      else if (a.address) out.push({ name: a.name ?? '', address: a.address });
    }
  };
  for (const o of objects) visit(o.value);
  return out;
}

function isTextual(contentType: string, filename: string): boolean {
  return /^text\//i.test(contentType) || /\.(ics|txt|csv|json)$/i.test(filename);
}

function describeAttachment(a: Attachment, index: number): StoredAttachment {
  const filename = a.filename ?? `attachment-${index + 1}`;
  const contentType = a.contentType ?? 'application/octet-stream';
  return {
    filename,
    contentType,
    size: a.size ?? a.content.length,
    ...(isTextual(contentType, filename) ? { content: a.content.toString('utf8') } : {}),
  };
}

// --------------------------------------------------------------------------------------------------------------
// Web UI and JSON API

export function escapeHtml(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const formatAddress = (a: MailAddress | null) => (a ? (a.name ? `${a.name} <${a.address}>` : a.address) : '');
const formatAddresses = (list: MailAddress[]) => list.map(formatAddress).join(', ');

/** No scripts anywhere; the iframe srcdoc inherits this policy, so message HTML cannot load scripts either. */
const CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data: http: https:; frame-src 'self'; form-action 'self'";

const STYLE = `
  body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #1d1d1f; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid #ddd; vertical-align: top; }
  th { background: #f5f5f7; }
  a { color: #0b5cad; }
  .muted { color: #6e6e73; }
  pre { white-space: pre-wrap; background: #f5f5f7; padding: .75rem; border-radius: 4px; }
  iframe { width: 100%; height: 28rem; border: 1px solid #ddd; border-radius: 4px; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
  dt { font-weight: 600; }
  form { display: inline; }
`;

function page(title: string, body: string, refreshSeconds?: number): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
${refreshSeconds ? `<meta http-equiv="refresh" content="${refreshSeconds}">` : ''}
<style>${STYLE}</style></head>
<body>${body}</body></html>`;
}

function listPage(messages: StoredMessage[]): string {
  const rows = messages
    .map(
      (m) => `<tr>
  <td class="muted">${escapeHtml(m.receivedAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z'))}</td>
  <td>${escapeHtml(formatAddress(m.from))}</td>
  <td>${escapeHtml(formatAddresses(m.to))}</td>
  <td><a href="/messages/${encodeURIComponent(m.id)}">${escapeHtml(m.subject || '(no subject)')}</a></td>
  <td>${m.attachments.map((a) => escapeHtml(a.filename)).join(', ')}</td>
</tr>`,
    )
    .join('\n');
  const table =
    messages.length === 0
      ? '<p class="muted">No messages yet. Send mail to the SMTP port; this page refreshes every 5 seconds.</p>'
      : `<table><thead><tr><th>Received</th><th>From</th><th>To</th><th>Subject</th><th>Attachments</th></tr></thead>
<tbody>
${rows}
</tbody></table>`;
  return page(
    `Mail sink (${messages.length})`,
    `<h1>Mail sink</h1>
<p>${messages.length} message(s), newest first (the last ${MAX_MESSAGES} are kept).
<form method="post" action="/clear"><button type="submit">Delete all</button></form>
<a href="/api/messages">JSON</a></p>
${table}`,
    5,
  );
}

function messagePage(m: StoredMessage): string {
  const id = encodeURIComponent(m.id);
  const attachments = m.attachments.length
    ? `<h2>Attachments</h2><ul>${m.attachments
        .map(
          (a, i) =>
            `<li><a href="/messages/${id}/attachments/${i}">${escapeHtml(a.filename)}</a> ` +
            `<span class="muted">${escapeHtml(a.contentType)}, ${a.size} bytes</span>` +
            (a.content !== undefined ? `<pre>${escapeHtml(a.content)}</pre>` : '') +
            '</li>',
        )
        .join('')}</ul>`
    : '';
  return page(
    m.subject || '(no subject)',
    `<p><a href="/">&larr; all messages</a> · <a href="/api/messages/${id}">JSON</a></p>
<h1>${escapeHtml(m.subject || '(no subject)')}</h1>
<dl>
  <dt>From</dt><dd>${escapeHtml(formatAddress(m.from))}</dd>
  <dt>To</dt><dd>${escapeHtml(formatAddresses(m.to))}</dd>
  ${m.cc.length ? `<dt>Cc</dt><dd>${escapeHtml(formatAddresses(m.cc))}</dd>` : ''}
  <dt>Envelope</dt><dd>${escapeHtml(m.envelope.from ?? '')} &rarr; ${escapeHtml(m.envelope.to.join(', '))}</dd>
  <dt>Date</dt><dd>${escapeHtml(m.date ?? '')}</dd>
  <dt>Received</dt><dd>${escapeHtml(m.receivedAt)}</dd>
</dl>
${m.html !== null ? `<h2>HTML</h2><iframe sandbox="" referrerpolicy="no-referrer" srcdoc="${escapeHtml(m.html)}"></iframe>` : ''}
${m.text !== null ? `<h2>Text</h2><pre>${escapeHtml(m.text)}</pre>` : ''}
${attachments}`,
  );
}

/** `attachment; filename=...` safe for any name (ASCII fallback plus RFC 5987 UTF-8). */
function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

function createWebApp(store: {
  list: () => StoredMessage[];
  find: (id: string) => Entry | undefined;
  clear: () => void;
}): FastifyInstance {
  const app = fastify({ logger: false });

  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('X-Content-Type-Options', 'nosniff');
    if (String(reply.getHeader('content-type') ?? '').startsWith('text/html')) {
      reply.header('Content-Security-Policy', CSP);
    }
    return payload;
  });

  const notFound = { error: 'not_found', message: 'No such message' };

  app.get('/', async (_request, reply) => reply.type('text/html; charset=utf-8').send(listPage(store.list())));

  app.get<{ Params: { id: string } }>('/messages/:id', async (request, reply) => {
    const entry = store.find(request.params.id);
    if (!entry)
      return reply.code(404).type('text/html; charset=utf-8').send(page('Not found', '<h1>No such message</h1>'));
    return reply.type('text/html; charset=utf-8').send(messagePage(entry.message));
  });

  app.get<{ Params: { id: string; index: string } }>('/messages/:id/attachments/:index', async (request, reply) => {
    const entry = store.find(request.params.id);
    const index = Number(request.params.index);
    const attachment = Number.isInteger(index) ? entry?.message.attachments[index] : undefined;
    if (!entry || !attachment) return reply.code(404).send({ error: 'not_found', message: 'No such attachment' });
    return reply
      .type(attachment.contentType)
      .header('Content-Disposition', contentDisposition(attachment.filename))
      .send(entry.contents[index]);
  });

  app.post('/clear', async (_request, reply) => {
    store.clear();
    return reply.redirect('/', 303);
  });

  app.get<{ Querystring: { to?: string; subject?: string } }>('/api/messages', async (request) => {
    const to = request.query.to?.toLowerCase();
    const subject = request.query.subject;
    return store
      .list()
      .filter(
        (m) =>
          (!to ||
            [...m.to, ...m.cc].some((a) => a.address.toLowerCase() === to) ||
            m.envelope.to.some((a) => a.toLowerCase() === to)) &&
          (!subject || m.subject.includes(subject)),
      );
  });

  app.get<{ Params: { id: string } }>('/api/messages/:id', async (request, reply) => {
    const entry = store.find(request.params.id);
    if (!entry) return reply.code(404).send(notFound);
    return entry.message;
  });

  app.delete('/api/messages', async (_request, reply) => {
    store.clear();
    return reply.code(204).send();
  });

  return app;
}
