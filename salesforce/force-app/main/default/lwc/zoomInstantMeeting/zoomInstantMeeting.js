import { LightningElement, api } from 'lwc';
import { CloseActionScreenEvent } from 'lightning/actions';
import startInstantMeeting from '@salesforce/apex/ZoomMeetingController.startInstantMeeting';
import { errorMessage } from 'c/zoomErrors';
import { openStartUrl } from 'c/zoomStartTab';

/**
 * "Start Zoom Meeting" quick action on a Lead or Contact: starts an instant meeting hosted by the current user,
 * opens it in a new tab and closes. The integration records it as an Event on the record.
 */
export default class ZoomInstantMeeting extends LightningElement {
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

    /** Starts the meeting, opens its start URL in a new tab and closes the action. */
    async handleStart() {
        this.busy = true;
        this.error = undefined;
        try {
            await openStartUrl(async () => {
                const meeting = await startInstantMeeting({ recordId: this.recordId, subject: this.subject });
                return meeting.startUrl;
            });
            this.dispatchEvent(new CloseActionScreenEvent());
        } catch (error) {
            this.error = errorMessage(error);
        } finally {
            this.busy = false;
        }
    }
}
