import { createElement } from 'lwc';
import { cleanUp, flushPromises } from 'test-helpers/lwc';
import ZoomSettings from 'c/zoomSettings';
import getSettings from '@salesforce/apex/ZoomSettingsController.getSettings';
import saveMySettings from '@salesforce/apex/ZoomSettingsController.saveMySettings';
import saveOrgDefaults from '@salesforce/apex/ZoomSettingsController.saveOrgDefaults';
import checkZoomAccount from '@salesforce/apex/ZoomSettingsController.checkZoomAccount';

jest.mock('@salesforce/apex/ZoomSettingsController.getSettings', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/ZoomSettingsController.saveMySettings', () => ({ default: jest.fn() }), {
    virtual: true
});
jest.mock('@salesforce/apex/ZoomSettingsController.saveOrgDefaults', () => ({ default: jest.fn() }), {
    virtual: true
});
jest.mock('@salesforce/apex/ZoomSettingsController.checkZoomAccount', () => ({ default: jest.fn() }), {
    virtual: true
});

const MINE = {
    sendEmailOnLaunch: false,
    usePmiByDefault: true,
    joinBeforeHostByDefault: false,
    googleCalendarNotifications: false
};
const ORG = { ...MINE, usePmiByDefault: false, syncExternalMeetings: false };

async function mount() {
    const element = createElement('c-zoom-settings', { is: ZoomSettings });
    document.body.appendChild(element);
    await flushPromises();
    await flushPromises();
    return element;
}

const $ = (element, selector) => element.shadowRoot.querySelector(selector);
const box = (element, section, label) =>
    [...element.shadowRoot.querySelectorAll(`section.${section} lightning-input`)].find((i) => i.label === label);
const tick = async (input, checked) => {
    input.checked = checked;
    input.dispatchEvent(new CustomEvent('change'));
    await flushPromises();
};
const click = async (element, selector) => {
    $(element, selector).click();
    await flushPromises();
    await flushPromises();
};

describe('c-zoom-settings', () => {
    beforeEach(() => {
        getSettings.mockResolvedValue({ isAdmin: false, mine: MINE });
        checkZoomAccount.mockResolvedValue({ hasZoomAccount: true });
    });
    afterEach(cleanUp);

    it('shows the user’s four settings as they apply, and no organization defaults for a rep', async () => {
        const element = await mount();
        const labels = [...element.shadowRoot.querySelectorAll('section.mine lightning-input')].map((i) => i.label);
        expect(labels).toEqual([
            'Send E-mail to Attendees on Launch',
            'Use PMI by Default',
            'Join Before Host by Default',
            'Google Calendar Notifications'
        ]);
        expect(box(element, 'mine', 'Use PMI by Default').checked).toBe(true);
        expect($(element, 'section.org')).toBeNull();
        expect($(element, '.zoom-account').textContent).toBe('Your Salesforce e-mail address has a Zoom account.');
    });

    it('saves the user’s own settings with what they ticked', async () => {
        saveMySettings.mockResolvedValue({ isAdmin: false, mine: { ...MINE, sendEmailOnLaunch: true } });
        const element = await mount();
        await tick(box(element, 'mine', 'Send E-mail to Attendees on Launch'), true);
        await click(element, '.save-mine');
        expect(saveMySettings).toHaveBeenCalledWith({ ...MINE, sendEmailOnLaunch: true });
        expect($(element, '.saved').textContent).toBe('Your settings were saved.');
        expect(box(element, 'mine', 'Send E-mail to Attendees on Launch').checked).toBe(true);
    });

    it('lets a Zoom Admin save the organization defaults with Sync External Zoom Meetings', async () => {
        getSettings.mockResolvedValue({ isAdmin: true, mine: MINE, orgDefaults: ORG });
        saveOrgDefaults.mockResolvedValue({
            isAdmin: true,
            mine: MINE,
            orgDefaults: { ...ORG, syncExternalMeetings: true }
        });
        const element = await mount();
        await tick(box(element, 'org', 'Sync External Zoom Meetings'), true);
        await tick(box(element, 'mine', 'Google Calendar Notifications'), true);
        await click(element, '.save-org');
        expect(saveOrgDefaults).toHaveBeenCalledWith({ ...ORG, syncExternalMeetings: true });
        expect(box(element, 'org', 'Sync External Zoom Meetings').checked).toBe(true);
        expect(box(element, 'mine', 'Google Calendar Notifications').checked).toBe(true); // unsaved, kept
    });

    it('keeps every box as the user left it when the save fails, with the plain message', async () => {
        saveMySettings.mockRejectedValue({
            body: { message: 'The Zoom integration could not be reached. Try again in a minute.' }
        });
        const element = await mount();
        await tick(box(element, 'mine', 'Join Before Host by Default'), true);
        await click(element, '.save-mine');
        expect($(element, '.error').textContent).toBe(
            'The Zoom integration could not be reached. Try again in a minute.'
        );
        expect(box(element, 'mine', 'Join Before Host by Default').checked).toBe(true);
        expect($(element, '.saved')).toBeNull();
    });

    it('says plainly when the user’s Salesforce e-mail has no Zoom account', async () => {
        checkZoomAccount.mockResolvedValue({
            hasZoomAccount: false,
            message: "This user's Salesforce e-mail address is not a user of your company's Zoom account."
        });
        const element = await mount();
        expect($(element, '.zoom-account').textContent).toContain('is not a user of your company');
        expect($(element, 'section.mine')).not.toBeNull(); // the settings stay editable
    });

    it('says the account could not be checked when the service is unreachable', async () => {
        checkZoomAccount.mockRejectedValue({
            body: { message: 'The Zoom integration could not be reached. Try again in a minute.' }
        });
        const element = await mount();
        expect($(element, '.zoom-account').textContent).toBe(
            'Your Zoom account could not be checked: The Zoom integration could not be reached. Try again in a minute.'
        );
    });
});
