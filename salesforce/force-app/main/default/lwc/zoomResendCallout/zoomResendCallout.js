import { LightningElement, api } from 'lwc';
import { ShowToastEvent } from 'lightning/platformShowToastEvent';
import { NavigationMixin } from 'lightning/navigation';
import resend from '@salesforce/apex/ZoomCalloutFailureResend.resend';
import { errorMessage } from 'c/zoomErrors';

/** "Resend" on a Zoom Callout Failure: sends the Event change again, then leaves the (deleted) failure. */
export default class ZoomResendCallout extends NavigationMixin(LightningElement) {
    @api recordId;

    @api async invoke() {
        try {
            await resend({ failureIds: [this.recordId] });
            this.dispatchEvent(
                new ShowToastEvent({
                    title: 'Sent again',
                    message: 'The Event change is on its way to Zoom. A new failure appears here if it fails again.',
                    variant: 'success'
                })
            );
            this[NavigationMixin.Navigate]({
                type: 'standard__objectPage',
                attributes: { objectApiName: 'Zoom_Callout_Failure__c', actionName: 'list' }
            });
        } catch (error) {
            this.dispatchEvent(
                new ShowToastEvent({ title: 'Could not resend', message: errorMessage(error), variant: 'error' })
            );
        }
    }
}
