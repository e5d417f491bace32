import { calloutHeaders } from '../../domain/callout-signature';
import { agendaMentionsEvent } from '../../domain/meeting-plan';
import { DEMO_CREDENTIALS, DEMO_USERS } from '../../emulators/demo-org';
import { snapshotOf } from '../../emulators/salesforce/trigger';
import { eventually } from '../../test/helpers/stack';
import { auditFailures, auditMeetings } from './ledger';
import { zoomEventFields, type Scenario } from './scenario';

const EVENTS = 10;
const COPIES = 5;

/**
 * The org's callout job retries: the same batch of 10 Events arrives 5 times at once, each copy signed anew (as
 * the org signs every retry). One meeting per Event, one Event per meeting.
 */
export const duplicateCallouts: Scenario = {
  name: 'duplicate callouts',
  async run({ stack, sf }) {
    // The org's own trigger stays quiet: the scenario sends the callouts itself.
    stack.salesforce.trigger.setEnabled(false);
    let ids: string[];
    try {
      const records = Array.from({ length: EVENTS }, (_, i) => ({
        attributes: { type: 'Event' },
        ...zoomEventFields(DEMO_USERS[i % 3].salesforceId, `Chaos duplicate ${i}`, i),
      }));
      const created = (await sf.sobject('Event').create(records, { allOrNone: true })) as unknown as { id: string }[];
      ids = created.map((r) => r.id);
    } finally {
      stack.salesforce.trigger.setEnabled(true);
    }
    const events = ids.map((id) => ({
      operation: 'upsert',
      event: snapshotOf(stack.salesforce.store.find(id)!.record),
    }));
    const body = JSON.stringify({ events });
    const answers = await Promise.all(
      Array.from({ length: COPIES }, () =>
        fetch(`${stack.apiUrl}/v1/salesforce/events`, {
          method: 'POST',
          headers: calloutHeaders(DEMO_CREDENTIALS.calloutSecret, body),
          body,
        }).then((r) => r.status),
      ),
    );
    const joinUrlOf = (id: string) => stack.salesforce.store.find(id)?.record.Zoom_Join_URL__c;
    await eventually(async () => (ids.every((id) => joinUrlOf(id)) ? true : undefined), 120_000, 'every join URL');
    const audit = auditMeetings(stack, new Set(ids));
    const failures = auditFailures(audit);
    const notAccepted = answers.filter((s) => s !== 202);
    if (notAccepted.length > 0)
      failures.push(`copies answered ${notAccepted.join(', ')} (every signed retry is accepted: 202)`);
    return {
      figures: {
        events: EVENTS,
        copiesPerEvent: COPIES,
        answers: answers.join(','),
        meetings: [...stack.zoom.store.meetings.values()].filter((m) =>
          ids.some((id) => agendaMentionsEvent(m.agenda, id)),
        ).length,
        duplicateMeetings: audit.duplicateMeetings.length,
        duplicateEvents: audit.duplicateEvents.length,
      },
      failures,
    };
  },
};
