/**
 * The mail sink's IMAP4rev1 server (RFC 3501): every message accepted over SMTP is in its sender's Sent mailbox,
 * searchable by Message-ID, through a real IMAP client (imapflow) and on the wire, where it answers malformed,
 * unsupported and out-of-state commands with BAD and wrong credentials or missing mailboxes with NO.
 */
import { connect, type Socket } from 'node:net';
import nodemailer from 'nodemailer';
import { ImapFlow } from 'imapflow';
import { createMailSink, type MailSink } from '../../emulators/mail/server';

const SENDER = { user: 'zoom-sync@demo-sales.example', pass: 'mail-password-1' };
const OTHER = { user: 'someone.else@demo-sales.example', pass: 'mail-password-2' };

let sink: MailSink;
let smtpPort: number;
let imapPort: number;

beforeAll(async () => {
  sink = createMailSink({
    smtpPort: 0,
    webPort: 0,
    imapPort: 0,
    accounts: { [SENDER.user]: SENDER.pass, [OTHER.user]: OTHER.pass },
  });
  const urls = await sink.listen();
  expect(urls.imapUrl).toMatch(/^imap:\/\/127\.0\.0\.1:\d+$/);
  smtpPort = Number(new URL(urls.smtpUrl).port);
  imapPort = Number(new URL(urls.imapUrl).port);
});

afterAll(() => sink.close());

async function send(auth: { user: string; pass: string } | undefined, messageId: string): Promise<void> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, auth });
  try {
    await transport.sendMail({
      from: 'Zoom for Salesforce <no-reply@demo-sales.example>',
      to: 'marie.curie@acme.example',
      subject: 'Starting now',
      text: 'Join',
      messageId,
    });
  } finally {
    transport.close();
  }
}

async function sentUids(auth: { user: string; pass: string }, messageId: string): Promise<number[]> {
  const client = new ImapFlow({ host: '127.0.0.1', port: imapPort, secure: false, auth, logger: false });
  await client.connect();
  try {
    await client.mailboxOpen('Sent', { readOnly: true });
    const found = await client.search({ header: { 'Message-ID': messageId } }, { uid: true });
    if (!Array.isArray(found)) throw new Error('search refused');
    return found;
  } finally {
    await client.logout();
  }
}

test('a message accepted over SMTP is in its sender’s Sent mailbox, found by Message-ID, and in no one else’s', async () => {
  await send(SENDER, '<launch.00U1.abc@zoom-salesforce.invalid>');
  await send(SENDER, '<launch.00U1.def@zoom-salesforce.invalid>');

  expect(await sentUids(SENDER, '<launch.00U1.abc@zoom-salesforce.invalid>')).toHaveLength(1);
  expect(await sentUids(SENDER, '<launch.00U1.xyz@zoom-salesforce.invalid>')).toEqual([]);
  expect(await sentUids(OTHER, '<launch.00U1.abc@zoom-salesforce.invalid>')).toEqual([]);
  // Clearing the recipients' view leaves the sender's Sent mailbox as it was.
  sink.clear();
  expect(await sentUids(SENDER, '<launch.00U1.def@zoom-salesforce.invalid>')).toHaveLength(1);
});

test('with accounts, SMTP refuses mail without a valid login', async () => {
  await expect(send(undefined, '<a@zoom-salesforce.invalid>')).rejects.toMatchObject({ responseCode: 530 });
  await expect(send({ user: SENDER.user, pass: 'wrong' }, '<b@zoom-salesforce.invalid>')).rejects.toMatchObject({
    responseCode: 535,
  });
});

/** A raw IMAP conversation: `send` writes a line and resolves with the lines up to the tagged answer. */
class Wire {
  private buffer = '';
  private waiter: (() => void) | undefined;
  private constructor(private readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (data: string) => {
      this.buffer += data;
      this.waiter?.();
    });
  }

  static async open(): Promise<{ wire: Wire; greeting: string }> {
    const socket = connect(imapPort, '127.0.0.1');
    const wire = new Wire(socket);
    const [greeting] = await wire.until((line) => line.startsWith('* '));
    return { wire, greeting };
  }

  private async until(done: (line: string) => boolean): Promise<string[]> {
    const deadline = Date.now() + 5_000;
    for (;;) {
      const lines = this.buffer.split('\r\n');
      const index = lines.slice(0, -1).findIndex(done);
      if (index >= 0) {
        this.buffer = lines.slice(index + 1).join('\r\n');
        return lines.slice(0, index + 1);
      }
      if (Date.now() > deadline) throw new Error(`no answer in ${JSON.stringify(this.buffer)}`);
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
        setTimeout(resolve, 100);
      });
    }
  }

  /** Sends `text` (CRLF added) and reads until the line starting with `tag ` (or a "+" continuation). */
  async send(text: string, tag = text.split(' ')[0]): Promise<string[]> {
    this.socket.write(`${text}\r\n`);
    return this.until((line) => line.startsWith(`${tag} `) || line.startsWith('+'));
  }

  close(): void {
    this.socket.destroy();
  }
}

test('the wire: greeting, states, BAD for what is malformed or unsupported, NO for refusals', async () => {
  const { wire, greeting } = await Wire.open();
  try {
    expect(greeting).toMatch(/^\* OK \[CAPABILITY IMAP4rev1 AUTH=PLAIN\]/);
    expect(await wire.send('a1 CAPABILITY')).toEqual([
      '* CAPABILITY IMAP4rev1 AUTH=PLAIN',
      'a1 OK CAPABILITY completed',
    ]);
    expect((await wire.send('a2 SELECT Sent')).at(-1)).toMatch(/^a2 BAD .*not authenticated/);
    expect((await wire.send('a3 FETCH 1 BODY[]')).at(-1)).toMatch(/^a3 BAD Command FETCH is not supported/);
    expect((await wire.send('a4 NOOP extra')).at(-1)).toMatch(/^a4 BAD/);
    expect((await wire.send('a5  NOOP')).at(-1)).toMatch(/^a5 BAD/);
    expect(await wire.send('+bad NOOP', '*')).toEqual(['* BAD Invalid tag']);
    expect(await wire.send(`a6 LOGIN ${SENDER.user} wrong`)).toEqual([
      'a6 NO [AUTHENTICATIONFAILED] Invalid credentials',
    ]);
    expect((await wire.send('a7 AUTHENTICATE CRAM-MD5')).at(-1)).toMatch(/^a7 NO/);
    // A password with a space goes as a literal: the server asks for it with "+" first.
    expect(await wire.send(`a8 LOGIN ${SENDER.user} {${SENDER.pass.length}}`, 'a8')).toEqual([
      '+ Ready for literal data',
    ]);
    expect((await wire.send(SENDER.pass, 'a8')).at(-1)).toMatch(/^a8 OK/);
    expect((await wire.send('a9 LOGIN again x')).at(-1)).toMatch(/^a9 BAD .*authenticated state/);
    expect(await wire.send('b1 SELECT Drafts')).toEqual(['b1 NO [NONEXISTENT] No such mailbox']);
    expect((await wire.send('b2 UID SEARCH ALL')).at(-1)).toMatch(/^b2 BAD .*authenticated state/);
    const examined = await wire.send('b3 EXAMINE Sent');
    expect(examined).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\* \d+ EXISTS$/),
        '* 0 RECENT',
        expect.stringMatching(/^\* OK \[UIDVALIDITY \d+\]/),
        expect.stringMatching(/^\* OK \[UIDNEXT \d+\]/),
        'b3 OK [READ-ONLY] EXAMINE completed',
      ]),
    );
    await send(SENDER, '<wire.1@zoom-salesforce.invalid>');
    const found = await wire.send('b4 UID SEARCH HEADER Message-ID "<wire.1@zoom-salesforce.invalid>"');
    expect(found).toEqual([expect.stringMatching(/^\* SEARCH \d+$/), 'b4 OK UID SEARCH completed']);
    expect(await wire.send('b5 UID SEARCH CHARSET UTF-8 HEADER Message-ID <wire.2@zoom-salesforce.invalid>')).toEqual([
      '* SEARCH',
      'b5 OK UID SEARCH completed',
    ]);
    expect((await wire.send('b6 UID SEARCH CHARSET KOI8-R ALL')).at(-1)).toMatch(/^b6 NO \[BADCHARSET/);
    expect((await wire.send('b7 UID SEARCH SINCE 1-Jan-2030')).at(-1)).toMatch(/^b7 BAD Search key SINCE/);
    expect((await wire.send('b8 UID SEARCH HEADER Message-ID')).at(-1)).toMatch(/^b8 BAD/);
    expect((await wire.send('b9 UID FETCH 1 FLAGS')).at(-1)).toMatch(/^b9 BAD UID FETCH is not supported/);
    expect(
      (
        await wire.send('c1 SEARCH NOT HEADER Message-ID "<wire.1@zoom-salesforce.invalid>" HEADER Message-ID wire.1')
      ).at(0),
    ).toBe('* SEARCH');
    expect(await wire.send('c2 LOGOUT')).toEqual([
      '* BYE zoom-salesforce mail sink logging out',
      'c2 OK LOGOUT completed',
    ]);
  } finally {
    wire.close();
  }
});

test('the wire: AUTHENTICATE PLAIN with its response on a continuation line, and its cancellation', async () => {
  const { wire } = await Wire.open();
  try {
    expect(await wire.send('p1 AUTHENTICATE PLAIN')).toEqual(['+ ']);
    expect(await wire.send('*', 'p1')).toEqual(['p1 BAD AUTHENTICATE cancelled']);
    expect(await wire.send('p2 AUTHENTICATE PLAIN')).toEqual(['+ ']);
    const response = Buffer.from(`\0${OTHER.user}\0${OTHER.pass}`).toString('base64');
    expect((await wire.send(response, 'p2')).at(-1)).toMatch(/^p2 OK/);
    expect(await wire.send('p3 LIST "" ""')).toEqual(['* LIST (\\Noselect) "/" ""', 'p3 OK LIST completed']);
    expect(await wire.send('p4 LIST "" *')).toEqual([
      '* LIST (\\HasNoChildren) "/" "INBOX"',
      '* LIST (\\HasNoChildren) "/" "Sent"',
      'p4 OK LIST completed',
    ]);
  } finally {
    wire.close();
  }
});
