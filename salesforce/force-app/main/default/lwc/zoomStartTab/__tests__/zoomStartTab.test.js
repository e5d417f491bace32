import { openStartUrl } from 'c/zoomStartTab';
import { cleanUp, stubNewTab } from 'test-helpers/lwc';

const START_URL = 'https://zoom.example/s/85746065432?zak=abc';

describe('openStartUrl', () => {
    afterEach(cleanUp);

    it('opens the tab before the URL arrives, so the browser counts it as the click', async () => {
        const tab = stubNewTab();
        let answer;
        const opening = openStartUrl(() => new Promise((resolve) => (answer = resolve)));

        expect(window.open).toHaveBeenCalledWith('', '_blank');
        answer(START_URL);
        await opening;

        expect(tab.location.href).toBe(START_URL);
        expect(tab.opener).toBeNull();
    });

    it('closes the empty tab and passes the error on when the URL cannot be had', async () => {
        const tab = stubNewTab();
        const failure = { body: { message: 'This Event has no Zoom meeting' } };

        await expect(openStartUrl(() => Promise.reject(failure))).rejects.toBe(failure);

        expect(tab.close).toHaveBeenCalled();
        expect(tab.location.href).toBe('');
    });

    it('opens the URL without a handle to the CRM window when a pop-up blocker refused the first tab', async () => {
        window.open = jest.fn(() => null);

        await openStartUrl(() => Promise.resolve(START_URL));

        expect(window.open).toHaveBeenLastCalledWith(START_URL, '_blank', 'noopener');
    });
});
