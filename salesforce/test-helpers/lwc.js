// Shared by the LWC unit tests (imported as 'test-helpers/lwc', see jest.config.js).

/** Lets pending promises (Apex calls, wire emissions, re-renders) settle. */
export const flushPromises = () => new Promise((resolve) => setTimeout(resolve, 0));

/** Replaces window.open with a stub that returns a fake tab, and returns that tab. */
export function stubNewTab() {
    const tab = { location: { href: '' }, opener: 'the CRM', close: jest.fn() };
    window.open = jest.fn(() => tab);
    return tab;
}

/** Removes mounted components and resets mocks between tests. */
export function cleanUp() {
    while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
    jest.clearAllMocks();
}
