import { LightningElement, api } from 'lwc';
import { CloseActionScreenEvent } from 'lightning/actions';
import { NavigationMixin } from 'lightning/navigation';
import startInstantMeeting from '@salesforce/apex/ZoomMeetingController.startInstantMeeting';
import { errorMessage } from 'c/zoomErrors';
import { openStartUrl } from 'c/zoomStartTab';

/**
 * "Start Zoom Meeting" quick action on a Lead or Contact: starts an instant meeting hosted by the current user,
 * opens it in a new tab and closes. The integration records it as an Event on the record. When the host's "Send
 * E-mail to Attendees on Launch" is on, the user is then taken to the e-mail composer for the new Event.
 */
export default class ZoomInstantMeeting extends NavigationMixin(LightningElement) {
    @api recordId;

    subject = '';
    busy = false;
    error;

    handleSubjectChange(event) {
        this.subject = event.target.value;
    }

    handleCancel() {
        this.dispatchEvent(new CloseActionScreenEvent());
    }

    /** Starts the meeting, opens its start URL in a new tab, closes the action and, if asked, opens the composer. */
    async handleStart() {
        this.busy = true;
        this.error = undefined;
        try {
            let meeting;
            await openStartUrl(async () => {
                meeting = await startInstantMeeting({ recordId: this.recordId, subject: this.subject });
                return meeting.startUrl;
            });
            // A host page outside Lightning (the Classic page) takes over the next page by cancelling this event.
            const started = new CustomEvent('meetingstarted', {
                detail: { eventId: meeting.eventId, sendEmailOnLaunch: meeting.sendEmailOnLaunch === true },
                bubbles: true,
                composed: true,
                cancelable: true
            });
            this.dispatchEvent(started);
            this.dispatchEvent(new CloseActionScreenEvent());
            if (meeting.sendEmailOnLaunch && !started.defaultPrevented) {
                this[NavigationMixin.Navigate]({
                    type: 'standard__component',
                    attributes: { componentName: 'c__zoomEmailComposer' },
                    state: { c__eventId: meeting.eventId }
                });
            }
        } catch (error) {
            this.error = errorMessage(error);
        } finally {
            this.busy = false;
        }
    }
}
