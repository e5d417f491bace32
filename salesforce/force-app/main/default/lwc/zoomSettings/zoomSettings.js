import { LightningElement } from 'lwc';
import getSettings from '@salesforce/apex/ZoomSettingsController.getSettings';
import saveMySettings from '@salesforce/apex/ZoomSettingsController.saveMySettings';
import saveOrgDefaults from '@salesforce/apex/ZoomSettingsController.saveOrgDefaults';
import checkZoomAccount from '@salesforce/apex/ZoomSettingsController.checkZoomAccount';
import { errorMessage } from 'c/zoomErrors';

/** The settings a user has, in the order the page shows them, with their labels. */
const USER_SETTINGS = [
    { name: 'sendEmailOnLaunch', label: 'Send E-mail to Attendees on Launch' },
    { name: 'usePmiByDefault', label: 'Use PMI by Default' },
    { name: 'joinBeforeHostByDefault', label: 'Join Before Host by Default' },
    { name: 'googleCalendarNotifications', label: 'Google Calendar Notifications' }
];
const ORG_SETTINGS = [...USER_SETTINGS, { name: 'syncExternalMeetings', label: 'Sync External Zoom Meetings' }];

/**
 * The Zoom Settings tab: the user's own settings and, for a Zoom Admin, the organization defaults (with "Sync
 * External Zoom Meetings"); and whether the user's Salesforce e-mail has a Zoom account. A failed save shows the
 * message and keeps every box as the user left it.
 */
export default class ZoomSettings extends LightningElement {
    loaded = false;
    isAdmin = false;
    mine = {};
    orgDefaults = {};
    error;
    saving = false;
    savedMessage;

    zoomAccountChecked = false;
    hasZoomAccount = false;
    zoomAccountMessage;

    connectedCallback() {
        this.load();
        this.checkAccount();
    }

    async load() {
        try {
            this.applyPage(await getSettings());
            this.loaded = true;
        } catch (error) {
            this.error = errorMessage(error);
        }
    }

    async checkAccount() {
        try {
            const answer = await checkZoomAccount();
            this.hasZoomAccount = answer?.hasZoomAccount === true;
            this.zoomAccountMessage = this.hasZoomAccount
                ? 'Your Salesforce e-mail address has a Zoom account.'
                : answer?.message || 'Your Salesforce e-mail address has no Zoom account.';
        } catch (error) {
            this.hasZoomAccount = false;
            this.zoomAccountMessage = `Your Zoom account could not be checked: ${errorMessage(error)}`;
        }
        this.zoomAccountChecked = true;
    }

    applyPage(page) {
        this.isAdmin = page?.isAdmin === true;
        this.mine = { ...(page?.mine ?? {}) };
        this.orgDefaults = { ...(page?.orgDefaults ?? {}) };
    }

    get mySettings() {
        return USER_SETTINGS.map((s) => ({ ...s, checked: this.mine[s.name] === true }));
    }

    get orgSettings() {
        return ORG_SETTINGS.map((s) => ({ ...s, checked: this.orgDefaults[s.name] === true }));
    }

    get zoomAccountClass() {
        return this.hasZoomAccount ? 'zoom-account slds-text-color_success' : 'zoom-account slds-text-color_error';
    }

    handleMineChange(event) {
        this.mine = { ...this.mine, [event.target.name]: event.target.checked };
        this.savedMessage = undefined;
    }

    handleOrgChange(event) {
        this.orgDefaults = { ...this.orgDefaults, [event.target.name]: event.target.checked };
        this.savedMessage = undefined;
    }

    async handleSaveMine() {
        await this.save(
            'mine',
            () => saveMySettings(this.valuesOf(this.mine, USER_SETTINGS)),
            'Your settings were saved.'
        );
    }

    async handleSaveOrg() {
        await this.save(
            'orgDefaults',
            () => saveOrgDefaults(this.valuesOf(this.orgDefaults, ORG_SETTINGS)),
            'The organization defaults were saved.'
        );
    }

    valuesOf(values, settings) {
        return Object.fromEntries(settings.map((s) => [s.name, values[s.name] === true]));
    }

    /**
     * One save at a time. The saved section shows what now applies; the other keeps what the user changed there and
     * has not saved yet. On failure the message shows and every box keeps what the user chose.
     */
    async save(section, action, doneMessage) {
        this.saving = true;
        this.error = undefined;
        this.savedMessage = undefined;
        try {
            const page = await action();
            this[section] = { ...(page?.[section] ?? {}) };
            this.savedMessage = doneMessage;
        } catch (error) {
            this.error = errorMessage(error);
        } finally {
            this.saving = false;
        }
    }
}
