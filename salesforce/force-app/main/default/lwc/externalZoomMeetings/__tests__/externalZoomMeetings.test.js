import { createElement } from 'lwc';
import { cleanUp, flushPromises } from 'test-helpers/lwc';
import ExternalZoomMeetings from 'c/externalZoomMeetings';
import getPageContext from '@salesforce/apex/ZoomExternalMeetingsController.getPageContext';
import listMeetings from '@salesforce/apex/ZoomExternalMeetingsController.listMeetings';
import getMeetingDetails from '@salesforce/apex/ZoomExternalMeetingsController.getMeetingDetails';
import searchPeople from '@salesforce/apex/ZoomExternalMeetingsController.searchPeople';
import createEvents from '@salesforce/apex/ZoomExternalMeetingsController.createEvents';

jest.mock('@salesforce/apex/ZoomExternalMeetingsController.getPageContext', () => ({ default: jest.fn() }), {
    virtual: true
});
jest.mock('@salesforce/apex/ZoomExternalMeetingsController.listMeetings', () => ({ default: jest.fn() }), {
    virtual: true
});
jest.mock('@salesforce/apex/ZoomExternalMeetingsController.getMeetingDetails', () => ({ default: jest.fn() }), {
    virtual: true
});
jest.mock('@salesforce/apex/ZoomExternalMeetingsController.searchPeople', () => ({ default: jest.fn() }), {
    virtual: true
});
jest.mock('@salesforce/apex/ZoomExternalMeetingsController.createEvents', () => ({ default: jest.fn() }), {
    virtual: true
});

const USER_ID = '005000000000001AAA';
const MEETING = {
    uuid: 'u1==',
    meetingId: '811',
    topic: 'Pricing call',
    hostName: 'Ada Lovelace',
    startTime: '2026-11-20T10:00:00Z',
    endTime: '2026-11-20T10:30:00Z',
    durationMinutes: 30,
    participantCount: 3,
    hasRecording: false,
    managed: false
};
const DETAILS = {
    uuid: 'u1==',
    topic: 'Pricing call',
    participants: [
        { key: 'kAda', name: 'Ada Lovelace', minutes: 30, proposal: 'host' },
        {
            key: 'kMarie',
            name: 'Marie Curie',
            minutes: 30,
            proposal: 'linked',
            by: 'name',
            linked: { id: '003000000000001AAA', type: 'Contact', name: 'Marie Curie' }
        },
        { key: 'kPat', name: 'Pat Unknown', email: 'pat@elsewhere.example', minutes: 12, proposal: 'no-match' }
    ]
};

async function mount() {
    const element = createElement('c-external-zoom-meetings', { is: ExternalZoomMeetings });
    document.body.appendChild(element);
    await flushPromises();
    await flushPromises();
    return element;
}

const $ = (element, selector) => element.shadowRoot.querySelector(selector);
const $$ = (element, selector) => [...element.shadowRoot.querySelectorAll(selector)];
const buttonLabeled = (root, label) => [...root.querySelectorAll('lightning-button')].find((b) => b.label === label);
const click = async (button) => {
    button.click();
    await flushPromises();
    await flushPromises();
};
const type = async (input, value) => {
    input.value = value;
    input.dispatchEvent(new CustomEvent('change'));
    await flushPromises();
};

describe('c-external-zoom-meetings', () => {
    beforeEach(() => {
        getPageContext.mockResolvedValue({ userId: USER_ID, userName: 'Ada Lovelace', isAdmin: false, hosts: [] });
        listMeetings.mockResolvedValue({ meetings: [MEETING], totalRecords: 1 });
    });
    afterEach(cleanUp);

    it('lists the user’s meetings of the last 30 days at once, without a host picker', async () => {
        const element = await mount();
        const { hostId, fromDate, toDate, cursor } = listMeetings.mock.calls[0][0];
        expect(hostId).toBe(USER_ID);
        expect(cursor).toBeNull();
        expect((Date.parse(toDate) - Date.parse(fromDate)) / 86400000).toBeGreaterThanOrEqual(27);
        expect((Date.parse(toDate) - Date.parse(fromDate)) / 86400000).toBeLessThanOrEqual(29);
        expect($(element, 'lightning-combobox.host')).toBeNull();
        expect($(element, 'td.topic').textContent).toBe('Pricing call');
        expect($(element, 'td.event').textContent).toBe('No');
    });

    it('defaults to the last 30 days, today included, as far as Zoom reads at once (a month)', async () => {
        const now = jest.spyOn(Date, 'now');
        try {
            now.mockReturnValue(Date.parse('2026-12-01T15:00:00Z'));
            await mount();
            expect(listMeetings.mock.calls[0][0]).toMatchObject({ fromDate: '2026-11-02', toDate: '2026-12-01' });
            cleanUp();

            // Feb 1 to Mar 1 is a month, which Zoom's report refuses: the default starts the day after.
            now.mockReturnValue(Date.parse('2027-03-01T15:00:00Z'));
            await mount();
            expect(listMeetings.mock.calls[0][0]).toMatchObject({ fromDate: '2027-02-02', toDate: '2027-03-01' });
        } finally {
            now.mockRestore();
        }
    });

    it('refuses a range of a month or more with a plain message before asking Zoom', async () => {
        const element = await mount();
        await type($(element, 'lightning-input.from'), '2026-11-01');
        await type($(element, 'lightning-input.to'), '2026-12-01');
        await click($(element, 'lightning-button.show'));
        expect($(element, '.error').textContent).toBe(
            'Zoom reports at most one month at a time (To before the same day of the next month): choose a shorter range.'
        );
        expect(listMeetings).toHaveBeenCalledTimes(1);
        expect($(element, 'lightning-input.to').value).toBe('2026-12-01');
    });

    it('refuses a reversed range with a plain message, keeping the dates typed', async () => {
        const element = await mount();
        await type($(element, 'lightning-input.from'), '2026-11-20');
        await type($(element, 'lightning-input.to'), '2026-11-10');
        await click($(element, 'lightning-button.show'));
        expect($(element, '.error').textContent).toBe('From must be on or before To.');
        expect(listMeetings).toHaveBeenCalledTimes(1);
        expect($(element, 'lightning-input.from').value).toBe('2026-11-20');
    });

    it('shows the server’s message when the service is unreachable and keeps the rows', async () => {
        const element = await mount();
        listMeetings.mockRejectedValueOnce({ body: { message: 'The Zoom integration could not be reached.' } });
        await click($(element, 'lightning-button.show'));
        expect($(element, '.error').textContent).toBe('The Zoom integration could not be reached.');
        expect($(element, 'td.topic').textContent).toBe('Pricing call');
    });

    it('says plainly when the host has no Zoom account, keeping the dates typed', async () => {
        const noAccount =
            "This user's Salesforce e-mail address is not a user of your company's Zoom account. Ask your Zoom admin to add them, or use the same e-mail in Salesforce and Zoom.";
        listMeetings.mockRejectedValue({ body: { message: noAccount } });
        const element = await mount();
        expect($(element, '.error').textContent).toBe(noAccount);

        await type($(element, 'lightning-input.from'), '2026-11-20');
        await type($(element, 'lightning-input.to'), '2026-11-25');
        await click($(element, 'lightning-button.show'));

        expect(listMeetings).toHaveBeenCalledTimes(2);
        expect($(element, '.error').textContent).toBe(noAccount);
        expect($(element, 'lightning-input.from').value).toBe('2026-11-20');
    });

    it('keeps the selection and the chosen links when Create Events cannot reach the service', async () => {
        getMeetingDetails.mockResolvedValue(DETAILS);
        searchPeople.mockResolvedValue([{ id: '003000000000002AAA', type: 'Contact', name: 'Niels Bohr' }]);
        createEvents.mockRejectedValueOnce({
            body: { message: 'The Zoom integration could not be reached. Try again in a minute.' }
        });
        const element = await mount();
        await click(buttonLabeled(element.shadowRoot, 'Get Details'));
        await click(buttonLabeled($$(element, 'tr.participant')[2], 'Associate'));
        await type($(element, '.search lightning-input'), 'Bohr');
        await click(buttonLabeled($(element, '.search'), 'Search'));
        await click(buttonLabeled($(element, '.search'), 'Link Contact Niels Bohr'));

        await click($(element, 'lightning-button.create'));

        expect($(element, '.error').textContent).toBe(
            'The Zoom integration could not be reached. Try again in a minute.'
        );
        expect($$(element, 'tr.meeting lightning-input').map((box) => box.checked)).toEqual([true]);
        expect($$(element, 'td.link')[2].textContent).toBe('Niels Bohr (your choice)');
        createEvents.mockResolvedValueOnce([{ uuid: 'u1==', ok: true, eventId: '00U000000000001AAA', created: true }]);
        await click($(element, 'lightning-button.create'));
        expect(JSON.parse(createEvents.mock.calls[1][0].meetingsJson)).toEqual([
            { uuid: 'u1==', links: [{ key: 'kPat', recordId: '003000000000002AAA' }] }
        ]);
    });

    it('pages with the server’s cursor', async () => {
        listMeetings.mockResolvedValueOnce({ meetings: [MEETING], nextCursor: 'c2' });
        const element = await mount();
        listMeetings.mockResolvedValueOnce({ meetings: [{ ...MEETING, uuid: 'u2==', topic: 'Second' }] });
        await click($(element, 'lightning-button.more'));
        expect(listMeetings.mock.calls[1][0].cursor).toBe('c2');
        expect($$(element, 'td.topic').map((td) => td.textContent)).toEqual(['Pricing call', 'Second']);
        expect($(element, 'lightning-button.more')).toBeNull();
    });

    it('gets details, links a participant chosen by search, and creates the Event with that link', async () => {
        getMeetingDetails.mockResolvedValue(DETAILS);
        searchPeople.mockResolvedValue([{ id: '003000000000002AAA', type: 'Contact', name: 'Niels Bohr' }]);
        createEvents.mockResolvedValue([{ uuid: 'u1==', ok: true, eventId: '00U000000000001AAA', created: true }]);
        const element = await mount();

        await click(buttonLabeled(element.shadowRoot, 'Get Details'));
        expect(getMeetingDetails).toHaveBeenCalledWith({ hostId: USER_ID, uuid: 'u1==' });
        const rows = $$(element, 'tr.participant');
        expect(rows.map((r) => r.querySelector('td.link').textContent)).toEqual([
            'Not linked',
            'Contact Marie Curie',
            'Not linked'
        ]);

        await click(buttonLabeled(rows[2], 'Associate'));
        await type($(element, '.search lightning-input'), 'Bohr');
        await click(buttonLabeled($(element, '.search'), 'Search'));
        expect(searchPeople).toHaveBeenCalledWith({ hostId: USER_ID, term: 'Bohr' });
        await click(buttonLabeled($(element, '.search'), 'Link Contact Niels Bohr'));
        expect($$(element, 'td.link')[2].textContent).toBe('Niels Bohr (your choice)');

        await click($(element, 'lightning-button.create'));
        const { meetingsJson } = createEvents.mock.calls[0][0];
        expect(JSON.parse(meetingsJson)).toEqual([
            { uuid: 'u1==', links: [{ key: 'kPat', recordId: '003000000000002AAA' }] }
        ]);
        expect($(element, 'td.result').textContent).toBe('Event created');
        expect($(element, 'td.event').textContent).toBe('Yes');
    });

    it('reports each row’s own result when a create partly fails, keeping the failed row selected', async () => {
        listMeetings.mockResolvedValue({ meetings: [MEETING, { ...MEETING, uuid: 'u2==', topic: 'Second' }] });
        createEvents.mockResolvedValue([
            { uuid: 'u1==', ok: true, eventId: '00U000000000001AAA', created: false },
            { uuid: 'u2==', ok: false, error: 'Zoom has not published this meeting’s participants yet' }
        ]);
        const element = await mount();
        for (const box of $$(element, 'tr.meeting lightning-input')) {
            box.checked = true;
            box.dispatchEvent(new CustomEvent('change'));
        }
        await flushPromises();
        await click($(element, 'lightning-button.create'));
        expect($$(element, 'td.result').map((td) => td.textContent)).toEqual([
            'Event updated',
            'Zoom has not published this meeting’s participants yet'
        ]);
        expect($$(element, 'tr.meeting lightning-input').map((box) => box.checked)).toEqual([false, true]);
    });

    it('lets a Zoom Admin pick the host', async () => {
        getPageContext.mockResolvedValue({
            userId: USER_ID,
            isAdmin: true,
            hosts: [
                { id: USER_ID, name: 'Ada Lovelace' },
                { id: '005000000000002AAA', name: 'Grace Hopper' }
            ]
        });
        const element = await mount();
        const host = $(element, 'lightning-combobox.host');
        expect(host.options.map((o) => o.label)).toEqual(['Ada Lovelace', 'Grace Hopper']);
        host.dispatchEvent(new CustomEvent('change', { detail: { value: '005000000000002AAA' } }));
        await click($(element, 'lightning-button.show'));
        expect(listMeetings.mock.calls[1][0].hostId).toBe('005000000000002AAA');
    });
});
