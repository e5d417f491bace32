/**
 * The mail sink on loopback ports: real SMTP from nodemailer in, JSON API and HTML pages out.
 */
import nodemailer, { type Transporter } from 'nodemailer';
import { createMailSink, MAX_MESSAGES, type MailSink, type StoredMessage } from '../../emulators/mail/server';

const ICS = [
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//zoom-salesforce//mail-sink test//EN',
  'METHOD:REQUEST',
  'BEGIN:VEVENT',
  'UID:00U000000000001AAA@demo-sales.example',
  'DTSTART:20300102T150000Z',
  'DTEND:20300102T153000Z',
  'SUMMARY:Acme kickoff',
  'LOCATION:https://zoom.us/j/81234567890',
  'END:VEVENT',
  'END:VCALENDAR',
  '',
].join('\r\n');

describe('mail sink', () => {
  let sink: MailSink;
  let webUrl: string;
  let smtpUrl: string;
  let transport: Transporter;

  beforeAll(async () => {
    sink = createMailSink({ smtpPort: 0, webPort: 0, imapPort: 0, host: '127.0.0.1' });
    const urls = await sink.listen();
    webUrl = urls.webUrl;
    smtpUrl = urls.smtpUrl;
    expect(urls.smtpUrl).toMatch(/^smtp:\/\/127\.0\.0\.1:\d+$/);
    transport = nodemailer.createTransport(urls.smtpUrl);
  });

  afterAll(async () => {
    transport.close();
    await sink.close();
  });

  beforeEach(() => sink.clear());

  async function getJson<T>(path: string): Promise<{ status: number; body: T }> {
    const response = await fetch(`${webUrl}${path}`);
    return { status: response.status, body: (await response.json()) as T };
  }

  it('stores a message with an .ics attachment and serves it through the JSON API', async () => {
    await transport.sendMail({
      from: '"Zoom Sync" <noreply@zoom-sync.example>',
      to: 'Marie Curie <marie.curie@acme.example>',
      cc: 'ada.lovelace@demo-sales.example',
      bcc: 'audit@demo-sales.example',
      subject: 'Invitation: Acme kickoff',
      text: 'Join at https://zoom.us/j/81234567890',
      html: '<p>Join <a href="https://zoom.us/j/81234567890">here</a></p>',
      attachments: [{ filename: 'invite.ics', content: ICS, contentType: 'text/calendar; method=REQUEST' }],
    });

    const list = await getJson<StoredMessage[]>('/api/messages');
    expect(list.status).toBe(200);
    expect(list.body).toHaveLength(1);
    const [summary] = list.body;

    const { status, body: message } = await getJson<StoredMessage>(`/api/messages/${summary.id}`);
    expect(status).toBe(200);
    expect(message).toMatchObject({
      id: summary.id,
      subject: 'Invitation: Acme kickoff',
      from: { name: 'Zoom Sync', address: 'noreply@zoom-sync.example' },
      to: [{ name: 'Marie Curie', address: 'marie.curie@acme.example' }],
      cc: [{ name: '', address: 'ada.lovelace@demo-sales.example' }],
      envelope: {
        from: 'noreply@zoom-sync.example',
        to: ['marie.curie@acme.example', 'ada.lovelace@demo-sales.example', 'audit@demo-sales.example'],
      },
    });
    expect(message.text?.trim()).toBe('Join at https://zoom.us/j/81234567890');
    expect(message.html).toContain('<a href="https://zoom.us/j/81234567890">here</a>');
    expect(new Date(message.date!).getTime()).not.toBeNaN();
    expect(message.attachments).toHaveLength(1);
    expect(message.attachments[0]).toMatchObject({ filename: 'invite.ics', size: Buffer.byteLength(ICS) });
    expect(message.attachments[0].contentType).toMatch(/^text\/calendar/);
    expect(message.attachments[0].content).toContain('SUMMARY:Acme kickoff');
    expect(message.attachments[0].content).toContain('DTSTART:20300102T150000Z');

    // The in-process view agrees with the API.
    expect(sink.messages()).toEqual(list.body);

    // The attachment downloads byte for byte.
    const download = await fetch(`${webUrl}/messages/${summary.id}/attachments/0`);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toMatch(/^text\/calendar/);
    expect(download.headers.get('content-disposition')).toContain('filename="invite.ics"');
    expect(await download.text()).toBe(ICS);

    expect((await fetch(`${webUrl}/messages/${summary.id}/attachments/1`)).status).toBe(404);
    expect((await getJson(`/api/messages/does-not-exist`)).status).toBe(404);
  });

  it('filters by recipient and lists newest first', async () => {
    await transport.sendMail({ from: 'a@x.example', to: 'first@x.example', subject: 'one', text: '1' });
    await transport.sendMail({ from: 'a@x.example', to: 'second@x.example', subject: 'two', text: '2' });
    const all = await getJson<StoredMessage[]>('/api/messages');
    expect(all.body.map((m) => m.subject)).toEqual(['two', 'one']);
    const filtered = await getJson<StoredMessage[]>('/api/messages?to=FIRST@x.example');
    expect(filtered.body.map((m) => m.subject)).toEqual(['one']);
  });

  it('escapes everything it renders, and sandboxes message HTML', async () => {
    const evil = '<script>alert("subject")</script>';
    await transport.sendMail({
      from: '"<b>Mallory</b>" <mallory@evil.example>',
      to: 'victim@x.example',
      subject: evil,
      text: '<script>alert("text")</script>',
      html: '<p>hi</p><script>alert("html")</script><img src=x onerror=alert(1)>',
      attachments: [{ filename: '<img src=x>.txt', content: 'plain' }],
    });
    const [message] = sink.messages();

    const listResponse = await fetch(`${webUrl}/`);
    expect(listResponse.status).toBe(200);
    expect(listResponse.headers.get('content-type')).toMatch(/^text\/html/);
    expect(listResponse.headers.get('content-security-policy')).toContain("default-src 'none'");
    const list = await listResponse.text();
    expect(list).toContain('&lt;script&gt;alert(&quot;subject&quot;)&lt;/script&gt;');
    expect(list).toContain('&lt;b&gt;Mallory&lt;/b&gt;');
    expect(list).not.toContain('<script');
    expect(list).not.toContain('<b>Mallory');
    expect(list).toContain(`href="/messages/${message.id}"`);

    const detail = await (await fetch(`${webUrl}/messages/${message.id}`)).text();
    expect(detail).not.toContain('<script');
    expect(detail).not.toContain('<img src=x');
    expect(detail).toContain('&lt;script&gt;alert(&quot;text&quot;)&lt;/script&gt;');
    // The HTML body is only inside a script-less sandboxed iframe, as an escaped srcdoc attribute.
    const iframe = /<iframe sandbox="" [^>]*srcdoc="([^"]*)"><\/iframe>/.exec(detail);
    expect(iframe).not.toBeNull();
    expect(iframe![1]).toContain('&lt;p&gt;hi&lt;/p&gt;&lt;script&gt;alert(&quot;html&quot;)&lt;/script&gt;');
    expect(detail).toContain(`href="/messages/${message.id}/attachments/0"`);
    expect(detail).toContain('&lt;img src=x&gt;.txt');

    expect((await fetch(`${webUrl}/messages/nope`)).status).toBe(404);
  });

  it('deletes every message through the API', async () => {
    await transport.sendMail({ from: 'a@x.example', to: 'b@x.example', subject: 'bye', text: 'bye' });
    expect(sink.messages()).toHaveLength(1);
    const response = await fetch(`${webUrl}/api/messages`, { method: 'DELETE' });
    expect(response.status).toBe(204);
    expect(sink.messages()).toHaveLength(0);
    expect((await getJson<StoredMessage[]>('/api/messages')).body).toEqual([]);
  });

  it('waits for a message that arrives later', async () => {
    const waiting = sink.waitForMessage((m) => m.subject === 'later', 5_000);
    await transport.sendMail({ from: 'a@x.example', to: 'b@x.example', subject: 'later', text: 'x' });
    await expect(waiting).resolves.toMatchObject({ subject: 'later' });
  });

  it(`keeps only the last ${MAX_MESSAGES} messages`, async () => {
    const pooled = nodemailer.createTransport({
      host: '127.0.0.1',
      port: Number(new URL(smtpUrl).port),
      pool: true,
      maxConnections: 1,
      maxMessages: Infinity,
    });
    const extra = 3;
    try {
      for (let i = 0; i < MAX_MESSAGES + extra; i += 1) {
        await pooled.sendMail({ from: 'a@x.example', to: 'b@x.example', subject: `n${i}`, text: 'x' });
      }
    } finally {
      pooled.close();
    }
    const messages = sink.messages();
    expect(messages).toHaveLength(MAX_MESSAGES);
    expect(messages[0].subject).toBe(`n${MAX_MESSAGES + extra - 1}`);
    expect(messages[MAX_MESSAGES - 1].subject).toBe(`n${extra}`);
  });
});
