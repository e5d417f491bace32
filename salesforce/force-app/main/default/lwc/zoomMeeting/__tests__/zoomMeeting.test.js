import { createElement } from 'lwc';
import { cleanUp, flushPromises, stubNewTab } from 'test-helpers/lwc';
import ZoomMeeting from 'c/zoomMeeting';
import { getRecord, notifyRecordUpdateAvailable } from 'lightning/uiRecordApi';
// The name the platform gives ShowToastEvent (the stub does not export it).
const SHOW_TOAST_EVENT = 'lightning__showtoast';
import getStartUrl from '@salesforce/apex/ZoomMeetingController.getStartUrl';
import syncMeeting from '@salesforce/apex/ZoomMeetingController.syncMeeting';
import sendEmail from '@salesforce/apex/ZoomMeetingController.sendEmail';

jest.mock('@salesforce/apex/ZoomMeetingController.getStartUrl', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/ZoomMeetingController.syncMeeting', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/ZoomMeetingController.sendEmail', () => ({ default: jest.fn() }), { virtual: true });

const EVENT_ID = '00U5g0000AbCdE1EQK';
const SCHEDULED = {
    id: EVENT_ID,
    fields: {
        Zoom_Join_URL__c: { value: 'https://zoom.example/j/85746065432' },
        Zoom_Meeting_Id__c: { value: '85746065432' },
        Zoom_Status__c: { value: 'Scheduled' },
        Zoom_Sync_Error__c: { value: null }
    }
};
const WITHOUT_MEETING = {
    id: EVENT_ID,
    fields: {
        Zoom_Join_URL__c: { value: null },
        Zoom_Meeting_Id__c: { value: null },
        Zoom_Status__c: { value: null },
        Zoom_Sync_Error__c: { value: null }
    }
};

function mount(record) {
    const element = createElement('c-zoom-meeting', { is: ZoomMeeting });
    element.recordId = EVENT_ID;
    document.body.appendChild(element);
    getRecord.emit(record);
    return flushPromises().then(() => element);
}

const button = (element, className) => element.shadowRoot.querySelector(`lightning-button.${className}`);
const text = (element, selector) => element.shadowRoot.querySelector(selector)?.textContent;

describe('c-zoom-meeting', () => {
    let openedTab;

    beforeEach(() => {
        openedTab = stubNewTab();
    });

    afterEach(cleanUp);

    it('shows the join URL and the status of the meeting', async () => {
        const element = await mount(SCHEDULED);

        expect(element.shadowRoot.querySelector('a.join-url').href).toBe('https://zoom.example/j/85746065432');
        expect(text(element, '.status')).toBe('Status: Scheduled');
        expect(button(element, 'start').disabled).toBe(false);
    });

    it('explains how to get a meeting and disables the buttons when there is none', async () => {
        const element = await mount(WITHOUT_MEETING);

        expect(text(element, '.no-meeting')).toContain('Make it a Zoom Meeting');
        expect(button(element, 'start').disabled).toBe(true);
        expect(button(element, 'sync').disabled).toBe(true);
        expect(button(element, 'send-email').disabled).toBe(true);
    });

    it('opens the tab at the click and sends it to the fresh start URL, cut off from the CRM window', async () => {
        getStartUrl.mockResolvedValue('https://zoom.example/s/85746065432?zak=abc');
        const element = await mount(SCHEDULED);

        button(element, 'start').click();
        expect(window.open).toHaveBeenCalledWith('', '_blank');
        await flushPromises();

        expect(getStartUrl).toHaveBeenCalledWith({ eventId: EVENT_ID });
        expect(openedTab.location.href).toBe('https://zoom.example/s/85746065432?zak=abc');
        expect(openedTab.opener).toBeNull();
        expect(element.shadowRoot.querySelector('.error')).toBeNull();
    });

    it('closes the empty tab and shows the reason when the start URL cannot be had', async () => {
        getStartUrl.mockRejectedValue({ body: { message: 'This Event has no Zoom meeting' } });
        const element = await mount(SCHEDULED);

        button(element, 'start').click();
        await flushPromises();

        expect(openedTab.close).toHaveBeenCalled();
        expect(text(element, '.error')).toBe('This Event has no Zoom meeting');
    });

    it('syncs, refreshes the record and says how many fields changed', async () => {
        syncMeeting.mockResolvedValue({ Zoom_Status__c: 'Ended', Zoom_Participant_Count__c: 3 });
        const element = await mount(SCHEDULED);
        const toasts = [];
        element.addEventListener(SHOW_TOAST_EVENT, (event) => toasts.push(event.detail));

        button(element, 'sync').click();
        await flushPromises();

        expect(syncMeeting).toHaveBeenCalledWith({ eventId: EVENT_ID });
        expect(notifyRecordUpdateAvailable).toHaveBeenCalledWith([{ recordId: EVENT_ID }]);
        expect(toasts).toEqual([expect.objectContaining({ message: '2 fields updated from Zoom.' })]);
    });

    it('says nothing was updated when the sync wrote no field (before the meeting)', async () => {
        syncMeeting.mockResolvedValue({});
        const element = await mount(SCHEDULED);
        const toasts = [];
        element.addEventListener(SHOW_TOAST_EVENT, (event) => toasts.push(event.detail));

        button(element, 'sync').click();
        await flushPromises();

        expect(toasts).toEqual([
            expect.objectContaining({ message: 'Nothing to update yet: Zoom has no results for this meeting.' })
        ]);
    });

    it('sends the typed addresses and lists each recipient with its outcome', async () => {
        sendEmail.mockResolvedValue([
            { email: 'ana@cliente.example', outcome: 'sent' },
            { email: 'nope', outcome: 'invalid', reason: 'Not an e-mail address' }
        ]);
        const element = await mount(SCHEDULED);
        const box = element.shadowRoot.querySelector('lightning-textarea.additional-emails');
        box.value = 'ana@cliente.example;\nnope, ANA@cliente.example';
        box.dispatchEvent(new CustomEvent('change'));

        button(element, 'send-email').click();
        await flushPromises();

        expect(sendEmail).toHaveBeenCalledWith({
            eventId: EVENT_ID,
            additionalEmails: ['ana@cliente.example', 'nope']
        });
        const lines = [...element.shadowRoot.querySelectorAll('.recipients li')].map((li) => li.textContent.trim());
        expect(lines).toEqual(['ana@cliente.example: Sent', 'nope: Not an e-mail address']);
    });

    it('keeps the typed addresses and says why when Send Email cannot reach the service', async () => {
        sendEmail.mockRejectedValue({
            body: { message: 'The Zoom integration could not be reached. Try again in a minute.' }
        });
        const element = await mount(SCHEDULED);
        const box = element.shadowRoot.querySelector('lightning-textarea.additional-emails');
        box.value = 'boss@cliente.example';
        box.dispatchEvent(new CustomEvent('change'));

        button(element, 'send-email').click();
        await flushPromises();

        expect(text(element, '[role="alert"]')).toBe(
            'The Zoom integration could not be reached. Try again in a minute.'
        );
        expect(element.shadowRoot.querySelector('lightning-textarea.additional-emails').value).toBe(
            'boss@cliente.example'
        );
        expect(button(element, 'send-email').disabled).toBe(false);
    });

    it('says plainly when the host has no Zoom account and Start Zoom Meeting cannot start', async () => {
        const noAccount =
            "Your Salesforce e-mail address is not a user of your company's Zoom account. Ask your Zoom admin to add you, or use the same e-mail in Salesforce and Zoom.";
        getStartUrl.mockRejectedValue({ body: { message: noAccount } });
        const element = await mount(SCHEDULED);

        button(element, 'start').click();
        await flushPromises();

        expect(text(element, '[role="alert"]')).toBe(noAccount);
        expect(openedTab.close).toHaveBeenCalled();
    });

    it('shows the sync error the integration wrote on the Event', async () => {
        const element = await mount({
            ...SCHEDULED,
            fields: { ...SCHEDULED.fields, Zoom_Sync_Error__c: { value: 'Zoom 1001: user does not exist' } }
        });

        expect(text(element, '.sync-error')).toBe('Zoom 1001: user does not exist');
    });
    it('shows why the host’s Google calendar is not in step, as a warning apart from the Zoom error', async () => {
        const warning =
            "Google Calendar: The host's e-mail has no Google Workspace account, so the meeting is not on a Google calendar.";
        const element = await mount({
            ...SCHEDULED,
            fields: { ...SCHEDULED.fields, Zoom_Calendar_Sync_Error__c: { value: warning } }
        });

        const shown = element.shadowRoot.querySelector('.calendar-sync-error');
        expect(shown.textContent).toContain(warning);
        expect(shown.getAttribute('role')).toBe('status');
        expect(element.shadowRoot.querySelector('.sync-error')).toBeNull();
        expect(button(element, 'start').disabled).toBe(false);
    });

    it('shows no calendar warning when the calendar is in step', async () => {
        const element = await mount({
            ...SCHEDULED,
            fields: { ...SCHEDULED.fields, Zoom_Calendar_Sync_Error__c: { value: null } }
        });

        expect(element.shadowRoot.querySelector('.calendar-sync-error')).toBeNull();
    });

    it('shows the start and end in the customer’s time zone next to the user’s own', async () => {
        const element = await mount({
            ...SCHEDULED,
            fields: {
                ...SCHEDULED.fields,
                StartDateTime: { value: '2026-11-20T16:00:00.000Z' },
                EndDateTime: { value: '2026-11-20T16:30:00.000Z' },
                Customer_Time_Zone__c: { value: 'America/Chicago' }
            }
        });

        // Intl puts thin and narrow no-break spaces around the dash and before AM.
        const spaced = (selector) => text(element, selector).replace(/\s/g, ' ');
        expect(spaced('.customer-times')).toBe('Customer time (America/Chicago): Nov 20, 2026, 10:00 – 10:30 AM CST');
        // The user's own zone is their Salesforce setting (the test platform's America/Los_Angeles).
        expect(spaced('.user-times')).toBe('Your time: Nov 20, 2026, 8:00 – 8:30 AM PST');
        expect(element.shadowRoot.querySelector('.outcome')).toBeNull();
    });

    /** The Event after a 41-minute meeting, with `fields` on top. */
    const endedWith = (fields) =>
        mount({
            ...SCHEDULED,
            fields: {
                ...SCHEDULED.fields,
                Zoom_Status__c: { value: 'Ended' },
                Zoom_Actual_End__c: { value: '2026-11-20T16:41:00.000Z' },
                Zoom_Duration_Minutes__c: { value: 41 },
                ...fields
            }
        });

    it('shows the outcome after the meeting: participants, duration, success, recording', async () => {
        const element = await endedWith({
            Zoom_Participant_Count__c: { value: 3 },
            Zoom_Successful__c: { value: true },
            Zoom_Recording_URL__c: { value: 'https://zoom.example/rec/share/abc' }
        });

        expect(text(element, '.participants')).toBe('3');
        expect(text(element, '.duration')).toBe('41 minutes');
        expect(text(element, '.successful')).toBe('Yes');
        expect(element.shadowRoot.querySelector('a.recording-url').href).toBe('https://zoom.example/rec/share/abc');
    });

    it('says there is no recording and the duration is not known yet when Zoom has not said', async () => {
        const element = await mount({
            ...SCHEDULED,
            fields: { ...SCHEDULED.fields, Zoom_Status__c: { value: 'Ended' }, Zoom_Participant_Count__c: { value: 1 } }
        });

        expect(text(element, '.duration')).toBe('Not known yet');
        expect(text(element, '.successful')).toBe('No');
        expect(text(element, '.recording').trim()).toBe('None');
    });

    it('says the participants are on their way while Zoom prepares its report, rather than none', async () => {
        // The webhook's end reaches the Event first; Zoom publishes who attended seconds to minutes later.
        const element = await endedWith({
            Zoom_Participant_Count__c: { value: null },
            Zoom_Successful__c: { value: false }
        });

        expect(text(element, '.participants')).toBe("Waiting for Zoom's report");
        expect(text(element, '.successful')).toBe('Not known yet');
        expect(text(element, '.duration')).toBe('41 minutes');
    });
});
