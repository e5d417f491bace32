import { createElement } from 'lwc';
import { cleanUp } from 'test-helpers/lwc';
import ZoomResendCallout from 'c/zoomResendCallout';
import { getNavigateCalledWith, resetNavigate } from 'lightning/navigation';
import resend from '@salesforce/apex/ZoomCalloutFailureResend.resend';

jest.mock('@salesforce/apex/ZoomCalloutFailureResend.resend', () => ({ default: jest.fn() }), { virtual: true });

const FAILURE_ID = 'a0A5g000000AbCdEAA';

function mount() {
    const element = createElement('c-zoom-resend-callout', { is: ZoomResendCallout });
    element.recordId = FAILURE_ID;
    document.body.appendChild(element);
    const toasts = [];
    element.addEventListener('lightning__showtoast', (event) => toasts.push(event.detail));
    return { element, toasts };
}

describe('c-zoom-resend-callout', () => {
    afterEach(() => {
        cleanUp();
        resetNavigate();
    });

    it('resends the failure and returns to the list of failures', async () => {
        resend.mockResolvedValue(1);
        const { element, toasts } = mount();

        await element.invoke();

        expect(resend).toHaveBeenCalledWith({ failureIds: [FAILURE_ID] });
        expect(toasts).toEqual([expect.objectContaining({ variant: 'success' })]);
        expect(getNavigateCalledWith().attributes).toEqual({
            objectApiName: 'Zoom_Callout_Failure__c',
            actionName: 'list'
        });
    });

    it('says why when the resend is refused, and stays on the record', async () => {
        resend.mockRejectedValue({ body: { message: 'insufficient access rights on object id' } });
        const { element, toasts } = mount();

        await element.invoke();

        expect(toasts).toEqual([
            expect.objectContaining({ variant: 'error', message: 'insufficient access rights on object id' })
        ]);
        expect(getNavigateCalledWith()).toBeUndefined();
    });
});
