import { LightningElement, api, wire } from 'lwc';
import { getRecord, getFieldValue, notifyRecordUpdateAvailable } from 'lightning/uiRecordApi';
import { ShowToastEvent } from 'lightning/platformShowToastEvent';
import getStartUrl from '@salesforce/apex/ZoomMeetingController.getStartUrl';
import syncMeeting from '@salesforce/apex/ZoomMeetingController.syncMeeting';
import sendEmail from '@salesforce/apex/ZoomMeetingController.sendEmail';
import USER_TIME_ZONE from '@salesforce/i18n/timeZone';
import LOCALE from '@salesforce/i18n/locale';
import START_FIELD from '@salesforce/schema/Event.StartDateTime';
import END_FIELD from '@salesforce/schema/Event.EndDateTime';
import CUSTOMER_TIME_ZONE_FIELD from '@salesforce/schema/Event.Customer_Time_Zone__c';
import ACTUAL_START_FIELD from '@salesforce/schema/Event.Zoom_Actual_Start__c';
import ACTUAL_END_FIELD from '@salesforce/schema/Event.Zoom_Actual_End__c';
import DURATION_FIELD from '@salesforce/schema/Event.Zoom_Duration_Minutes__c';
import PARTICIPANT_COUNT_FIELD from '@salesforce/schema/Event.Zoom_Participant_Count__c';
import SUCCESSFUL_FIELD from '@salesforce/schema/Event.Zoom_Successful__c';
import RECORDING_URL_FIELD from '@salesforce/schema/Event.Zoom_Recording_URL__c';
import JOIN_URL_FIELD from '@salesforce/schema/Event.Zoom_Join_URL__c';
import MEETING_ID_FIELD from '@salesforce/schema/Event.Zoom_Meeting_Id__c';
import STATUS_FIELD from '@salesforce/schema/Event.Zoom_Status__c';
import SYNC_ERROR_FIELD from '@salesforce/schema/Event.Zoom_Sync_Error__c';
import CALENDAR_SYNC_ERROR_FIELD from '@salesforce/schema/Event.Zoom_Calendar_Sync_Error__c';
import { describeRecipientOutcomes, errorMessage, parseEmailList } from 'c/zoomErrors';
import { openStartUrl } from 'c/zoomStartTab';

const FIELDS = [
    JOIN_URL_FIELD,
    MEETING_ID_FIELD,
    STATUS_FIELD,
    SYNC_ERROR_FIELD,
    CALENDAR_SYNC_ERROR_FIELD,
    START_FIELD,
    END_FIELD,
    CUSTOMER_TIME_ZONE_FIELD,
    ACTUAL_START_FIELD,
    ACTUAL_END_FIELD,
    DURATION_FIELD,
    PARTICIPANT_COUNT_FIELD,
    SUCCESSFUL_FIELD,
    RECORDING_URL_FIELD
];
/** Statuses after which Zoom has said how the meeting went. */
const FINISHED_STATUSES = ['Ended'];

/** "Nov 20, 2026, 10:00 AM – 10:30 AM CST": the Event's times as they read in a time zone. */
function timesIn(startIso, endIso, timeZone) {
    const options = { dateStyle: 'medium', timeStyle: 'short', timeZone };
    try {
        const format = new Intl.DateTimeFormat(LOCALE, options);
        const zoneName = new Intl.DateTimeFormat(LOCALE, { timeZone, timeZoneName: 'short' })
            .formatToParts(new Date(startIso))
            .find((part) => part.type === 'timeZoneName')?.value;
        const range = endIso
            ? format.formatRange(new Date(startIso), new Date(endIso))
            : format.format(new Date(startIso));
        return `${range} ${zoneName ?? timeZone}`;
    } catch {
        return undefined; // a time zone this browser does not know
    }
}

/**
 * "Zoom Meeting" on the Event record page: the start and end in the customer's time zone next to the user's own,
 * the join link and status, after the meeting its outcome (participants, duration, success, recording), and the
 * buttons "Start Zoom Meeting", "Sync Meeting Details" and "Send Email" (with additional attendee e-mails). Errors
 * are shown in the card.
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

    field(field) {
        return getFieldValue(this.record, field);
    }

    get customerTimeZone() {
        return this.field(CUSTOMER_TIME_ZONE_FIELD);
    }

    /** The scheduled times in the customer's time zone, when the Event names one. */
    get customerTimes() {
        const start = this.field(START_FIELD);
        return start && this.customerTimeZone
            ? timesIn(start, this.field(END_FIELD), this.customerTimeZone)
            : undefined;
    }

    /** The scheduled times in the user's own time zone (their Salesforce setting). */
    get userTimes() {
        const start = this.field(START_FIELD);
        return start ? timesIn(start, this.field(END_FIELD), USER_TIME_ZONE) : undefined;
    }

    get hasOutcome() {
        return FINISHED_STATUSES.includes(this.field(STATUS_FIELD)) || Boolean(this.field(ACTUAL_END_FIELD));
    }

    /** Null while Zoom prepares its report: the end reaches the Event first, who attended seconds to minutes later. */
    get reportPending() {
        const count = this.field(PARTICIPANT_COUNT_FIELD);
        return count === null || count === undefined;
    }

    get participantCount() {
        return this.reportPending ? "Waiting for Zoom's report" : this.field(PARTICIPANT_COUNT_FIELD);
    }

    get durationText() {
        const minutes = this.field(DURATION_FIELD);
        if (minutes === null || minutes === undefined) return 'Not known yet';
        return `${minutes} minute${minutes === 1 ? '' : 's'}`;
    }

    get successText() {
        if (this.reportPending) return 'Not known yet';
        return this.field(SUCCESSFUL_FIELD) ? 'Yes' : 'No';
    }

    get recordingUrl() {
        return this.field(RECORDING_URL_FIELD);
    }

    get syncError() {
        return getFieldValue(this.record, SYNC_ERROR_FIELD);
    }

    /** Why the host's Google calendar is not in step with the meeting; the meeting itself is fine. */
    get calendarSyncError() {
        return getFieldValue(this.record, CALENDAR_SYNC_ERROR_FIELD);
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
            this.recipients = describeRecipientOutcomes(outcomes);
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
