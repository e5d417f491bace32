/**
 * Opens Zoom's start URL in a new tab. The tab is opened at once, while the browser still counts the click as the
 * user's gesture, and pointed at Zoom when `fetchStartUrl()` resolves, cut off from the CRM window; if that fails,
 * the empty tab is closed and the error rethrown. The URL, a short-lived host credential, is never kept.
 */
export async function openStartUrl(fetchStartUrl) {
    const tab = window.open('', '_blank');
    try {
        const startUrl = await fetchStartUrl();
        if (tab) {
            tab.opener = null;
            tab.location.href = startUrl;
        } else {
            window.open(startUrl, '_blank', 'noopener');
        }
    } catch (error) {
        tab?.close();
        throw error;
    }
}
