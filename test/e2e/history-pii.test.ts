/**
 * What the Temporal server keeps on its disks: a meeting's whole lifecycle (scheduled with a Contact and a Lead,
 * launch e-mail, participants with names and e-mails, end, recording), then every workflow history read raw from
 * the server, as an operator without the key would (a client without the codec). No attendee e-mail, name or
 * passcode may appear, in any payload or anywhere else; with the key the same histories do hold them.
 */
import axios from 'axios';
import { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { DEMO_ORG_ID, DEMO_USERS } from '../../emulators/demo-org';
import { isPayloadJson, payloadFromJson } from '../../common/payload-json';
import { historyToJson } from '../helpers/history-json';
import { startTestStack, waitForEvent, type TestStack } from '../helpers/stack';
import { TEST_PAYLOAD_CODEC } from '../helpers/temporal';

let stack: TestStack;
const ADA = DEMO_USERS[0];
const MINUTE = 60_000;
const CONTACT = { id: '003000000000001AAA', email: 'marie.curie@acme.example', name: 'Marie Curie' };
const LEAD = { id: '00Q000000000001EAA', email: 'rosalind.franklin@initech.example' };

beforeAll(async () => {
  stack = await startTestStack({ zoomEmulator: { recordingDelayMs: 300 } });
});
afterAll(async () => {
  await stack?.stop();
});

/** Everything a history says: its JSON, with each payload's data and metadata decoded from base64 as text. */
function readable(history: temporal.api.history.v1.IHistory, decrypt: boolean): string {
  const parts: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node === null || typeof node !== 'object') return;
    if (isPayloadJson(node) && node.metadata && typeof node.data === 'string') {
      const payload = payloadFromJson(node);
      const shown = decrypt ? TEST_PAYLOAD_CODEC.decrypt(payload) : payload;
      parts.push(Buffer.from(shown.data ?? []).toString('utf8'));
      for (const value of Object.values(shown.metadata ?? {})) parts.push(Buffer.from(value).toString('utf8'));
      return;
    }
    Object.values(node).forEach(walk);
  };
  const json = historyToJson(history);
  walk(json);
  return `${JSON.stringify(json)}\n${parts.join('\n')}`;
}

test("no attendee e-mail, name or passcode in any workflow's history on the server", async () => {
  const sf = await stack.sfUser();
  await sf.sobject('Zoom_Settings__c').create({ SetupOwnerId: DEMO_ORG_ID, Send_Email_On_Launch__c: true });
  const start = Math.ceil(Date.now() / MINUTE) * MINUTE + 5 * MINUTE;
  const created = await sf.sobject('Event').create({
    Subject: 'PII check: renewal',
    StartDateTime: new Date(start).toISOString(),
    EndDateTime: new Date(start + 30 * MINUTE).toISOString(),
    OwnerId: ADA.salesforceId,
    WhoId: CONTACT.id,
    Make_Zoom_Meeting__c: true,
    Zoom_Additional_Emails__c: 'extra.guest@partner.example',
  });
  if (!created.success) throw new Error(JSON.stringify(created));
  const eventId = created.id;
  await sf.sobject('EventRelation').create({ EventId: eventId, RelationId: LEAD.id });
  const fields = ['Zoom_Status__c', 'Zoom_Meeting_Id__c', 'Zoom_Participants__c'];
  const scheduled = await waitForEvent(sf, eventId, fields, (e) => e.Zoom_Status__c === 'Scheduled', 'scheduled');
  const meetingId = String(scheduled.Zoom_Meeting_Id__c);
  const { password: passcode } = await stack.zoomClient.getMeeting(meetingId);
  expect(passcode).toBeTruthy();

  const simulate = (action: string, body: unknown = {}) =>
    axios.post(`${stack.zoomUrl}/_emulator/meetings/${meetingId}/${action}`, body);
  const at = (minutes: number) => new Date(Date.now() + minutes * MINUTE).toISOString();
  await simulate('start', { at: at(0) });
  await simulate('participants', [
    { name: 'Ada Lovelace', userId: ADA.zoomId, joinTime: at(0), leaveTime: at(30) },
    { name: CONTACT.name, email: CONTACT.email, hideEmail: false, joinTime: at(1), leaveTime: at(30) },
  ]);
  await simulate('end', { at: at(30), recording: true });
  const ended = await waitForEvent(sf, eventId, fields, (e) => e.Zoom_Participants__c != null, "Zoom's report");
  expect(String(ended.Zoom_Participants__c)).toContain(CONTACT.email);
  await stack.env.client.workflow.getHandle(`meeting-${eventId}`).result();

  const raw = new Client({ connection: stack.env.connection });
  const pii = [CONTACT.email, CONTACT.name, LEAD.email, 'extra.guest@partner.example', ADA.email, passcode!];
  const seen: string[] = [];
  let checkedWithKey = false;
  for await (const info of raw.workflow.list()) {
    const history = await raw.workflow.getHandle(info.workflowId, info.runId).fetchHistory();
    const onDisk = readable(history, false);
    for (const value of pii) if (onDisk.includes(value)) seen.push(`${info.workflowId}: ${value}`);
    if (info.workflowId === `meeting-${eventId}`) {
      // The check can see: with the key, the meeting's history does hold attendees and the passcode.
      const decrypted = readable(history, true);
      expect([CONTACT.email, passcode].filter((value) => decrypted.includes(value!))).not.toEqual([]);
      checkedWithKey = true;
    }
  }
  expect(seen).toEqual([]);
  expect(checkedWithKey).toBe(true);
});
