import { createElement } from 'lwc';
import { cleanUp, flushPromises, stubNewTab } from 'test-helpers/lwc';
import ZoomInstantMeeting from 'c/zoomInstantMeeting';
import { CLOSE_ACTION_SCREEN_EVENT_NAME } from 'lightning/actions';
import { getNavigateCalledWith, resetNavigate } from 'lightning/navigation';
import startInstantMeeting from '@salesforce/apex/ZoomMeetingController.startInstantMeeting';

jest.mock('@salesforce/apex/ZoomMeetingController.startInstantMeeting', () => ({ default: jest.fn() }), {
    virtual: true
});

const CONTACT_ID = '0035g0000Cust01AQA';

function mount() {
    const element = createElement('c-zoom-instant-meeting', { is: ZoomInstantMeeting });
    element.recordId = CONTACT_ID;
    document.body.appendChild(element);
    const closed = jest.fn();
    element.addEventListener(CLOSE_ACTION_SCREEN_EVENT_NAME, closed);
    return { element, closed };
}

const click = (element, className) => element.shadowRoot.querySelector(`lightning-button.${className}`).click();

describe('c-zoom-instant-meeting', () => {
    let openedTab;

    beforeEach(() => {
        openedTab = stubNewTab();
        resetNavigate();
    });

    afterEach(cleanUp);

    it('starts the meeting with the typed topic, opens it and closes the action', async () => {
        startInstantMeeting.mockResolvedValue({
            eventId: '00U5g0000AbCdE1EQK',
            joinUrl: 'https://zoom.example/j/97763643886',
            startUrl: 'https://zoom.example/s/97763643886?zak=x'
        });
        const { element, closed } = mount();
        const topic = element.shadowRoot.querySelector('lightning-input.subject');
        topic.value = 'Renewal';
        topic.dispatchEvent(new CustomEvent('change'));

        click(element, 'start');
        await flushPromises();

        expect(startInstantMeeting).toHaveBeenCalledWith({ recordId: CONTACT_ID, subject: 'Renewal' });
        expect(openedTab.location.href).toBe('https://zoom.example/s/97763643886?zak=x');
        expect(openedTab.opener).toBeNull();
        expect(closed).toHaveBeenCalledTimes(1);
        expect(getNavigateCalledWith()).toBeUndefined();
    });

    it('opens the meeting, then the e-mail composer for the new Event when the host sends e-mail on launch', async () => {
        startInstantMeeting.mockResolvedValue({
            eventId: '00U5g0000AbCdE1EQK',
            joinUrl: 'https://zoom.example/j/97763643886',
            startUrl: 'https://zoom.example/s/97763643886?zak=x',
            sendEmailOnLaunch: true
        });
        const { element, closed } = mount();

        click(element, 'start');
        await flushPromises();

        expect(openedTab.location.href).toBe('https://zoom.example/s/97763643886?zak=x');
        expect(closed).toHaveBeenCalledTimes(1);
        expect(getNavigateCalledWith()).toEqual({
            type: 'standard__component',
            attributes: { componentName: 'c__zoomEmailComposer' },
            state: { c__eventId: '00U5g0000AbCdE1EQK' }
        });
    });

    it('tells its host page the meeting started, which takes over the next page (Classic)', async () => {
        startInstantMeeting.mockResolvedValue({
            eventId: '00U5g0000AbCdE1EQK',
            joinUrl: 'https://zoom.example/j/97763643886',
            startUrl: 'https://zoom.example/s/97763643886?zak=x',
            sendEmailOnLaunch: true
        });
        const { element } = mount();
        const host = jest.fn((event) => event.preventDefault());
        document.body.addEventListener('meetingstarted', host);

        click(element, 'start');
        await flushPromises();
        document.body.removeEventListener('meetingstarted', host);

        expect(host).toHaveBeenCalledTimes(1);
        expect(host.mock.calls[0][0].detail).toEqual({ eventId: '00U5g0000AbCdE1EQK', sendEmailOnLaunch: true });
        expect(openedTab.location.href).toBe('https://zoom.example/s/97763643886?zak=x');
        expect(getNavigateCalledWith()).toBeUndefined();
    });

    it('keeps the action open with the reason when the meeting cannot start', async () => {
        startInstantMeeting.mockRejectedValue({
            body: { message: 'Your Salesforce e-mail address has no Zoom account in this Zoom organization.' }
        });
        const { element, closed } = mount();
        const topic = element.shadowRoot.querySelector('lightning-input.subject');
        topic.value = 'Renewal';
        topic.dispatchEvent(new CustomEvent('change'));

        click(element, 'start');
        await flushPromises();

        expect(openedTab.close).toHaveBeenCalled();
        expect(element.shadowRoot.querySelector('.error').textContent).toBe(
            'Your Salesforce e-mail address has no Zoom account in this Zoom organization.'
        );
        expect(closed).not.toHaveBeenCalled();
        expect(getNavigateCalledWith()).toBeUndefined();
        expect(element.shadowRoot.querySelector('lightning-button.start').disabled).toBe(false);
        expect(element.shadowRoot.querySelector('lightning-input.subject').value).toBe('Renewal');
    });

    it('closes without a meeting on Cancel', () => {
        const { element, closed } = mount();

        click(element, 'cancel');

        expect(closed).toHaveBeenCalledTimes(1);
        expect(startInstantMeeting).not.toHaveBeenCalled();
        expect(window.open).not.toHaveBeenCalled();
    });
});
