// The preview's page: Lightning's own paths, each rendering the package's component for it with the real LWC engine.
import '@lwc/synthetic-shadow';
import { createElement } from 'lwc';
import ExternalZoomMeetings from 'c/externalZoomMeetings';
import ZoomSettings from 'c/zoomSettings';
import ZoomMeeting from 'c/zoomMeeting';

/** Lightning path → the component the org shows there. */
const PAGES = [
  { path: /^\/lightning\/n\/External_Zoom_Meetings\/?$/, tag: 'c-external-zoom-meetings', is: ExternalZoomMeetings },
  { path: /^\/lightning\/n\/Zoom_Settings\/?$/, tag: 'c-zoom-settings', is: ZoomSettings },
  // A record page: the component gets the record's Id, as on the Lightning record page.
  { path: /^\/lightning\/r\/Event\/(\w+)\/view\/?$/, tag: 'c-zoom-meeting', is: ZoomMeeting },
];

function render() {
  const main = document.getElementById('main');
  const page = PAGES.find((p) => p.path.test(window.location.pathname));
  if (!page) {
    main.textContent = 'This page is not part of the preview.';
    return;
  }
  const element = createElement(page.tag, { is: page.is });
  const [, recordId] = window.location.pathname.match(page.path);
  if (recordId) element.recordId = recordId;
  main.appendChild(element);
}

/** The platform's toasts (ShowToastEvent), shown at the top of the page. */
function showToasts() {
  const toasts = document.createElement('div');
  toasts.setAttribute('role', 'status');
  toasts.className = 'slds-m-around_medium';
  document.body.insertBefore(toasts, document.getElementById('main'));
  document.addEventListener('lightning__showtoast', (event) => {
    const { title, message, variant = 'info' } = event.detail ?? {};
    const toast = document.createElement('div');
    toast.className = `slds-notify slds-notify_toast slds-theme_${variant}`;
    toast.textContent = [title, message].filter(Boolean).join(': ');
    toasts.appendChild(toast);
  });
}

showToasts();

render();
