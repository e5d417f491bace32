/**
 * The Sent-mailbox lookup a retried e-mail send makes (integrations/mail/sent-mailbox.ts) against the mail sink's
 * IMAP server, and IMAP_URL's validation.
 */
import nodemailer from 'nodemailer';
import { ConfigError, sentMailboxFrom } from '../../common/config';
import { createMailSink, senderUrls, type MailSink } from '../../emulators/mail/server';
import { SentMailbox } from '../../integrations/mail/sent-mailbox';

const ACCOUNT = { user: 'zoom-sync@demo-sales.example', password: 'p@ss:word/1' };
let sink: MailSink;
let urls: { smtpUrl: string; imapUrl: string };

beforeAll(async () => {
  sink = createMailSink({ smtpPort: 0, webPort: 0, imapPort: 0, accounts: { [ACCOUNT.user]: ACCOUNT.password } });
  urls = senderUrls(await sink.listen(), ACCOUNT);
});

afterAll(() => sink.close());

test('finds the Message-IDs the sender sent, and only those', async () => {
  const transport = nodemailer.createTransport(urls.smtpUrl);
  await transport.sendMail({
    from: 'no-reply@demo-sales.example',
    to: 'marie.curie@acme.example',
    subject: 'Starting now',
    text: 'Join',
    messageId: '<launch.00U1.i1.aaaa@zoom-salesforce.invalid>',
  });
  transport.close();
  const mailbox = new SentMailbox(sentMailboxFrom(urls.imapUrl));
  const found = await mailbox.find([
    '<launch.00U1.i1.aaaa@zoom-salesforce.invalid>',
    '<launch.00U1.i1.bbbb@zoom-salesforce.invalid>',
    // A prefix of a sent id is another message: the angle brackets bound the search.
    '<launch.00U1.i1.aa@zoom-salesforce.invalid>',
  ]);
  expect([...found]).toEqual(['<launch.00U1.i1.aaaa@zoom-salesforce.invalid>']);
});

test('a failed lookup is an error, never "not sent": wrong password, missing mailbox, nothing listening', async () => {
  const config = sentMailboxFrom(urls.imapUrl);
  const failure = /^Could not look in the Sent mailbox \(IMAP_URL\) for an earlier send: /;
  await expect(new SentMailbox({ ...config, password: 'wrong' }).find(['<x@y>'])).rejects.toThrow(
    new RegExp(`${failure.source}\\[AUTHENTICATIONFAILED\\]`),
  );
  await expect(new SentMailbox({ ...config, mailbox: 'Sent Items' }).find(['<x@y>'])).rejects.toThrow(
    new RegExp(`${failure.source}\\[NONEXISTENT\\]`),
  );
  await expect(new SentMailbox({ ...config, port: 1 }).find(['<x@y>'])).rejects.toThrow(/ECONNREFUSED/);
});

test('IMAP_URL: the parts of an imaps:// URL, percent-decoded; clear errors for what cannot work', () => {
  expect(sentMailboxFrom('imaps://sync%40acme.example:app%20pass@imap.gmail.com/%5BGmail%5D%2FSent%20Mail')).toEqual({
    host: 'imap.gmail.com',
    port: 993,
    secure: true,
    user: 'sync@acme.example',
    password: 'app pass',
    mailbox: '[Gmail]/Sent Mail',
  });
  expect(sentMailboxFrom('imap://u:p@127.0.0.1:1143/Sent')).toMatchObject({ port: 1143, secure: false });
  expect(() => sentMailboxFrom('smtps://u:p@smtp.gmail.com/Sent')).toThrow(/imaps:\/\/ or imap:\/\//);
  expect(() => sentMailboxFrom('imaps://u@imap.gmail.com/Sent')).toThrow(/user and password/);
  expect(() => sentMailboxFrom('imaps://u:p@imap.gmail.com/')).toThrow(/Sent mailbox's name/);
  expect(() => sentMailboxFrom('not a url')).toThrow(ConfigError);
});
