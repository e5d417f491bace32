import { LightningElement, api, wire } from 'lwc';
import { CurrentPageReference, NavigationMixin } from 'lightning/navigation';
import getEmailRecipients from '@salesforce/apex/ZoomMeetingController.getEmailRecipients';
import sendEmail from '@salesforce/apex/ZoomMeetingController.sendEmail';
import { describeRecipientOutcomes, errorMessage, parseEmailList } from 'c/zoomErrors';

/**
 * The e-mail composer "Start Zoom Meeting" opens when the host's "Send E-mail to Attendees on Launch" is on
 * (Lightning: /lightning/cmp/c__zoomEmailComposer?c__eventId=<Event Id>; Classic: the ZoomEmailComposer page).
 * It lists who the meeting's e-mail goes to (the Event's contact or lead, its invitees, its stored addresses),
 * takes extra addresses, and "Send Email" mails them all through the integration, one outcome per recipient.
 * A failure is shown in the page and keeps what the user typed.
 */
export default class ZoomEmailComposer extends NavigationMixin(LightningElement) {
    /** The Event, when the page hosting the composer gives it (Classic); else from the URL's c__eventId. */
    @api recordId;

    pageEventId;
    /** The Event whose recipients were read. */
    loadedFor;
    subject;
    recipients = [];
    loaded = false;
    additionalEmails = '';
    outcomes;
    summary;
    busy = false;
    error;

    @wire(CurrentPageReference)
    wiredPage(pageReference) {
        this.pageEventId = pageReference?.state?.c__eventId;
        this.load();
    }

    connectedCallback() {
        this.load();
    }

    get eventId() {
        return this.recordId || this.pageEventId;
    }

    /** Reads the recipients once the Event is known (from either source), and once only. */
    async load() {
        const eventId = this.eventId;
        if (!eventId || this.loadedFor === eventId) return;
        this.loadedFor = eventId;
        this.error = undefined;
        try {
            const draft = await getEmailRecipients({ eventId });
            this.subject = draft?.subject;
            this.recipients = (draft?.recipients ?? []).map((r) => ({
                ...r,
                display: [r.name ? `${r.name} <${r.email}>` : r.email, r.role ? `(${r.role})` : '']
                    .filter(Boolean)
                    .join(' ')
            }));
        } catch (error) {
            this.error = errorMessage(error);
        } finally {
            this.loaded = true;
        }
    }

    get hasRecipients() {
        return this.recipients.length > 0;
    }

    get noEvent() {
        return !this.eventId;
    }

    /** Opened by its URL (after Start Zoom Meeting): a way back to the Event. A host page has its own. */
    get showBack() {
        return !this.recordId && Boolean(this.pageEventId);
    }

    get sendDisabled() {
        return this.busy || !this.eventId;
    }

    handleEmailsChange(event) {
        this.additionalEmails = event.target.value;
    }

    async handleSend() {
        this.busy = true;
        this.error = undefined;
        try {
            const outcomes = await sendEmail({
                eventId: this.eventId,
                additionalEmails: parseEmailList(this.additionalEmails)
            });
            this.outcomes = describeRecipientOutcomes(outcomes);
            const sent = this.outcomes.filter((r) => r.outcome === 'sent').length;
            this.summary = `Sent to ${sent} of ${this.outcomes.length} recipients.`;
        } catch (error) {
            this.error = errorMessage(error);
        } finally {
            this.busy = false;
        }
    }

    handleBack() {
        this[NavigationMixin.Navigate]({
            type: 'standard__recordPage',
            attributes: { recordId: this.eventId, objectApiName: 'Event', actionName: 'view' }
        });
    }
}
