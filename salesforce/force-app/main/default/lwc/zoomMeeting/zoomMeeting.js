import { LightningElement, api, wire } from 'lwc';
import { getRecord, getFieldValue, notifyRecordUpdateAvailable } from 'lightning/uiRecordApi';
import { ShowToastEvent } from 'lightning/platformShowToastEvent';
import getStartUrl from '@salesforce/apex/ZoomMeetingController.getStartUrl';
import syncMeeting from '@salesforce/apex/ZoomMeetingController.syncMeeting';
import sendEmail from '@salesforce/apex/ZoomMeetingController.sendEmail';
import JOIN_URL_FIELD from '@salesforce/schema/Event.Zoom_Join_URL__c';
import MEETING_ID_FIELD from '@salesforce/schema/Event.Zoom_Meeting_Id__c';
import STATUS_FIELD from '@salesforce/schema/Event.Zoom_Status__c';
import SYNC_ERROR_FIELD from '@salesforce/schema/Event.Zoom_Sync_Error__c';
import { errorMessage, parseEmailList } from 'c/zoomErrors';
import { openStartUrl } from 'c/zoomStartTab';

const FIELDS = [JOIN_URL_FIELD, MEETING_ID_FIELD, STATUS_FIELD, SYNC_ERROR_FIELD];

const OUTCOME_LABELS = { sent: 'Sent', invalid: 'Not an e-mail address', refused: 'Refused by the mail server' };

/**
 * "Zoom Meeting" on the Event record page: the join link and status, and the buttons "Start Zoom Meeting",
 * "Sync Meeting Details" and "Send Email" (with additional attendee e-mails). Errors are shown in the card.
 */
export default class ZoomMeeting extends LightningElement {
    @api recordId;

    record;
    busy = false;
    error;
    additionalEmails = '';
    recipients;

    @wire(getRecord, { recordId: '$recordId', fields: FIELDS })
    wiredRecord({ data, error }) {
        if (data) {
            this.record = data;
        } else if (error) {
            this.error = errorMessage(error);
        }
    }

    get joinUrl() {
        return getFieldValue(this.record, JOIN_URL_FIELD);
    }

    get status() {
        return getFieldValue(this.record, STATUS_FIELD) ?? 'Not scheduled';
    }

    get syncError() {
        return getFieldValue(this.record, SYNC_ERROR_FIELD);
    }

    get hasMeeting() {
        return Boolean(getFieldValue(this.record, MEETING_ID_FIELD));
    }

    get meetingButtonsDisabled() {
        return this.busy || !this.hasMeeting;
    }

    get emailDisabled() {
        return this.busy || !this.hasMeeting;
    }

    handleEmailsChange(event) {
        this.additionalEmails = event.target.value;
    }

    /** Opens the host's start URL, fetched fresh from Zoom, in a new tab. */
    async handleStart() {
        await this.run(() => openStartUrl(() => getStartUrl({ eventId: this.recordId })));
    }

    async handleSync() {
        await this.run(async () => {
            const written = await syncMeeting({ eventId: this.recordId });
            await notifyRecordUpdateAvailable([{ recordId: this.recordId }]);
            const count = Object.keys(written ?? {}).length;
            this.toast(
                'Meeting details synced',
                count === 0
                    ? 'Nothing to update yet: Zoom has no results for this meeting.'
                    : `${count} field${count === 1 ? '' : 's'} updated from Zoom.`
            );
        });
    }

    async handleSendEmail() {
        await this.run(async () => {
            const outcomes = await sendEmail({
                eventId: this.recordId,
                additionalEmails: parseEmailList(this.additionalEmails)
            });
            this.recipients = outcomes.map((r) => ({
                ...r,
                label: OUTCOME_LABELS[r.outcome] ?? r.outcome,
                className: r.outcome === 'sent' ? 'slds-text-color_success' : 'slds-text-color_error'
            }));
            const sent = outcomes.filter((r) => r.outcome === 'sent').length;
            this.toast('Email sent', `${sent} of ${outcomes.length} recipients.`);
        });
    }

    /** One action at a time; its error, if any, replaces the previous one in the card. */
    async run(action) {
        this.busy = true;
        this.error = undefined;
        try {
            await action();
        } catch (error) {
            this.error = errorMessage(error);
        } finally {
            this.busy = false;
        }
    }

    toast(title, message) {
        this.dispatchEvent(new ShowToastEvent({ title, message, variant: 'success' }));
    }
}
