import { LightningElement, api } from 'lwc';
import { CloseActionScreenEvent } from 'lightning/actions';
import startInstantMeeting from '@salesforce/apex/ZoomMeetingController.startInstantMeeting';
import { errorMessage } from 'c/zoomErrors';

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

    /** The tab is opened at the click (the browser's user gesture) and pointed at Zoom once the meeting exists. */
    async handleStart() {
        const tab = window.open('', '_blank');
        this.busy = true;
        this.error = undefined;
        try {
            const meeting = await startInstantMeeting({ recordId: this.recordId, subject: this.subject });
            if (tab) {
                tab.opener = null;
                tab.location.href = meeting.startUrl;
            } else {
                window.open(meeting.startUrl, '_blank', 'noopener');
            }
            this.dispatchEvent(new CloseActionScreenEvent());
        } catch (error) {
            tab?.close();
            this.error = errorMessage(error);
        } finally {
            this.busy = false;
        }
    }
}
