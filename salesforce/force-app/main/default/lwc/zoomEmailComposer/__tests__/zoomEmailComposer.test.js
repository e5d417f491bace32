import { createElement } from 'lwc';
import { cleanUp, flushPromises } from 'test-helpers/lwc';
import ZoomEmailComposer from 'c/zoomEmailComposer';
import { CurrentPageReference, getNavigateCalledWith, resetNavigate } from 'lightning/navigation';
import getEmailRecipients from '@salesforce/apex/ZoomMeetingController.getEmailRecipients';
import sendEmail from '@salesforce/apex/ZoomMeetingController.sendEmail';

jest.mock('@salesforce/apex/ZoomMeetingController.getEmailRecipients', () => ({ default: jest.fn() }), {
    virtual: true
});
jest.mock('@salesforce/apex/ZoomMeetingController.sendEmail', () => ({ default: jest.fn() }), { virtual: true });

const EVENT_ID = '00U5g0000AbCdE1EQK';
const DRAFT = {
    subject: 'Renewal',
    recipients: [
        { name: 'Ana García', email: 'ana@cliente.example', role: 'Contact' },
        { name: '', email: 'extra@partner.example', role: 'Additional' }
    ]
};

/** The composer as Lightning opens it: /lightning/cmp/c__zoomEmailComposer?c__eventId=... */
async function openComposer() {
    const element = createElement('c-zoom-email-composer', { is: ZoomEmailComposer });
    document.body.appendChild(element);
    CurrentPageReference.emit({
        type: 'standard__component',
        attributes: { componentName: 'c__zoomEmailComposer' },
        state: { c__eventId: EVENT_ID }
    });
    await flushPromises();
    return element;
}

const $ = (element, selector) => element.shadowRoot.querySelector(selector);
const texts = (element, selector) => [...element.shadowRoot.querySelectorAll(selector)].map((e) => e.textContent);

function type(element, text) {
    const box = $(element, 'lightning-textarea.additional-emails');
    box.value = text;
    box.dispatchEvent(new CustomEvent('change'));
}

describe('c-zoom-email-composer', () => {
    beforeEach(resetNavigate);
    afterEach(cleanUp);

    it('lists the new Event’s recipients, filled in from the org', async () => {
        getEmailRecipients.mockResolvedValue(DRAFT);

        const element = await openComposer();

        expect(getEmailRecipients).toHaveBeenCalledWith({ eventId: EVENT_ID });
        expect($(element, '.subject').textContent).toBe('Meeting: Renewal');
        expect(texts(element, 'ul.recipients li')).toEqual([
            'Ana García <ana@cliente.example> (Contact)',
            'extra@partner.example (Additional)'
        ]);
        expect(sendEmail).not.toHaveBeenCalled();
    });

    it('sends to the Event’s people plus the typed addresses and reports each recipient', async () => {
        getEmailRecipients.mockResolvedValue(DRAFT);
        sendEmail.mockResolvedValue([
            { email: 'ana@cliente.example', outcome: 'sent' },
            { email: 'extra@partner.example', outcome: 'sent' },
            { email: 'boss@cliente.example', outcome: 'sent' },
            { email: 'nobody', outcome: 'invalid', reason: 'not an e-mail address' }
        ]);
        const element = await openComposer();
        type(element, 'boss@cliente.example,\nnobody');

        $(element, 'lightning-button.send-email').click();
        await flushPromises();

        expect(sendEmail).toHaveBeenCalledWith({
            eventId: EVENT_ID,
            additionalEmails: ['boss@cliente.example', 'nobody']
        });
        expect($(element, '.summary').textContent).toBe('Sent to 3 of 4 recipients.');
        expect(texts(element, 'ul.outcomes li')).toEqual([
            'ana@cliente.example: Sent',
            'extra@partner.example: Sent',
            'boss@cliente.example: Sent',
            'nobody: Not an e-mail address'
        ]);
    });

    it('shows why sending failed and keeps the typed addresses for another try', async () => {
        getEmailRecipients.mockResolvedValue(DRAFT);
        sendEmail.mockRejectedValue({
            body: { message: 'The Zoom integration could not be reached. Try again in a minute.' }
        });
        const element = await openComposer();
        type(element, 'boss@cliente.example');

        $(element, 'lightning-button.send-email').click();
        await flushPromises();

        expect($(element, '[role="alert"]').textContent).toBe(
            'The Zoom integration could not be reached. Try again in a minute.'
        );
        expect($(element, 'lightning-textarea.additional-emails').value).toBe('boss@cliente.example');
        expect($(element, 'lightning-button.send-email').disabled).toBe(false);
        expect($(element, '.summary')).toBeNull();
    });

    it('still lets the user type addresses and send when the recipients cannot be read', async () => {
        getEmailRecipients.mockRejectedValue({ body: { message: 'You do not have access to this record.' } });
        sendEmail.mockResolvedValue([{ email: 'boss@cliente.example', outcome: 'sent' }]);
        const element = await openComposer();

        expect($(element, '[role="alert"]').textContent).toBe('You do not have access to this record.');
        type(element, 'boss@cliente.example');
        $(element, 'lightning-button.send-email').click();
        await flushPromises();

        expect(sendEmail).toHaveBeenCalledWith({ eventId: EVENT_ID, additionalEmails: ['boss@cliente.example'] });
        expect($(element, '[role="alert"]')).toBeNull();
    });

    it('takes the Event from its host page (Classic), which has its own way back', async () => {
        getEmailRecipients.mockResolvedValue(DRAFT);
        const element = createElement('c-zoom-email-composer', { is: ZoomEmailComposer });
        element.recordId = EVENT_ID;
        document.body.appendChild(element);
        await flushPromises();

        expect(getEmailRecipients).toHaveBeenCalledWith({ eventId: EVENT_ID });
        expect($(element, 'lightning-button.back')).toBeNull();
    });

    it('goes back to the Event it was opened for', async () => {
        getEmailRecipients.mockResolvedValue(DRAFT);
        const element = await openComposer();

        $(element, 'lightning-button.back').click();
        expect(getNavigateCalledWith()).toEqual({
            type: 'standard__recordPage',
            attributes: { recordId: EVENT_ID, objectApiName: 'Event', actionName: 'view' }
        });
    });

    it('says where to open it from without an Event, and sends nothing', async () => {
        const element = createElement('c-zoom-email-composer', { is: ZoomEmailComposer });
        document.body.appendChild(element);
        await flushPromises();

        expect($(element, '.no-event').textContent).toContain('Start Zoom Meeting');
        expect($(element, 'lightning-button.send-email').disabled).toBe(true);
        expect($(element, 'lightning-button.back')).toBeNull();
        expect(getEmailRecipients).not.toHaveBeenCalled();
    });
});
