import { DateTime } from 'luxon';

/**
 * The meeting-details e-mail: what attendees receive when the host starts the meeting (and from the "Send
 * Email" button). Pure rendering, in plain text and HTML, with the time shown in the customer's zone and the
 * host's.
 */
export interface MeetingEmailInput {
  topic: string;
  /** Scheduled (or actual) start, ISO UTC. */
  startTime: string;
  durationMinutes: number;
  customerTimeZone?: string | null;
  hostTimeZone?: string | null;
  hostName?: string | null;
  joinUrl: string;
  passcode?: string | null;
  /** 'launch': the meeting has just started; 'invitation': sent ahead of time; 'cancellation': it is off. */
  kind: 'launch' | 'invitation' | 'cancellation';
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/**
 * The familiar abbreviation (EST, CEST, BST) where one exists. ICU knows American names under en-US and
 * European ones under en-GB; elsewhere it says "GMT+9", which is still unambiguous.
 */
function zoneAbbreviation(time: DateTime): string {
  for (const locale of ['en-US', 'en-GB']) {
    const name = time.setLocale(locale).offsetNameShort;
    if (name && !/^(GMT|UTC)[+-]/.test(name)) return name;
  }
  return time.setLocale('en-US').offsetNameShort ?? time.toFormat('ZZ');
}

/** e.g. "Thursday, 26 November 2026, 10:00 (EST, America/New_York)". */
export function formatInZone(iso: string, zone: string): string {
  const time = DateTime.fromISO(iso, { zone: 'utc' }).setZone(zone);
  if (!time.isValid) return formatInZone(iso, 'UTC');
  return `${time.setLocale('en-GB').toFormat('cccc, d LLLL yyyy, HH:mm')} (${zoneAbbreviation(time)}, ${zone})`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** The distinct zones to show, customer's first; UTC when neither is known. */
export function zonesToShow(customer?: string | null, host?: string | null): string[] {
  const zones = [customer, host].filter((z): z is string => Boolean(z) && DateTime.local().setZone(z!).isValid);
  const distinct = [...new Set(zones)];
  return distinct.length > 0 ? distinct : ['UTC'];
}

export function renderMeetingEmail(input: MeetingEmailInput): RenderedEmail {
  const zones = zonesToShow(input.customerTimeZone, input.hostTimeZone);
  const labels = zones.map((zone, i) =>
    zones.length === 1
      ? 'When'
      : i === 0 && input.customerTimeZone
        ? 'Your time'
        : `${input.hostName ?? 'Host'}'s time`,
  );
  const times = zones.map((zone) => formatInZone(input.startTime, zone));
  const leads = {
    launch: `${input.hostName ?? 'Your host'} has started the Zoom meeting "${input.topic}". Join now:`,
    invitation: `You are invited to the Zoom meeting "${input.topic}".`,
    cancellation: `The Zoom meeting "${input.topic}" has been cancelled.`,
  };
  const subjects = { launch: 'Starting now', invitation: 'Invitation', cancellation: 'Cancelled' };
  const lead = leads[input.kind];
  const joinable = input.kind !== 'cancellation';
  const subject = `${subjects[input.kind]}: ${input.topic}`;
  const rows: [string, string][] = [
    ...times.map((t, i): [string, string] => [labels[i], t]),
    ['Duration', `${input.durationMinutes} minutes`],
    ...(joinable ? ([['Join', input.joinUrl]] as [string, string][]) : []),
    ...(joinable && input.passcode ? ([['Passcode', input.passcode]] as [string, string][]) : []),
  ];
  const text = [lead, '', ...rows.map(([k, v]) => `${k}: ${v}`), ''].join('\n');
  const html = [
    '<!doctype html><html><body style="font-family:sans-serif">',
    `<p>${escapeHtml(lead)}</p>`,
    '<table cellpadding="4">',
    ...rows.map(([k, v]) =>
      k === 'Join'
        ? `<tr><th align="left">${escapeHtml(k)}</th><td><a href="${escapeHtml(v)}">${escapeHtml(v)}</a></td></tr>`
        : `<tr><th align="left">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`,
    ),
    '</table>',
    ...(joinable
      ? [
          `<p><a href="${escapeHtml(input.joinUrl)}" style="background:#0b5cff;color:#fff;padding:8px 16px;border-radius:4px;text-decoration:none">Join the meeting</a></p>`,
        ]
      : []),
    '</body></html>',
  ].join('\n');
  return { subject, text, html };
}

const EMAIL = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$/;

export function isEmailAddress(text: string): boolean {
  return EMAIL.test(text);
}

/** Addresses from free text (`Zoom_Additional_Emails__c`: commas, semicolons, spaces or new lines). */
export function splitEmailList(text: string | null | undefined): string[] {
  return (text ?? '')
    .split(/[\s,;]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** De-duplicated (case-insensitive) valid recipients, and the entries that are not addresses. */
export function recipientsFrom(candidates: (string | null | undefined)[]): { valid: string[]; invalid: string[] } {
  const seen = new Set<string>();
  const valid: string[] = [];
  const invalid: string[] = [];
  for (const raw of candidates) {
    const address = raw?.trim();
    if (!address) continue;
    const key = address.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    (isEmailAddress(address) ? valid : invalid).push(address);
  }
  return { valid, invalid };
}
