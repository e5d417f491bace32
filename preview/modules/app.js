// The preview's page: Lightning's own paths, each rendering the package's component for it with the real LWC engine.
import '@lwc/synthetic-shadow';
import { createElement } from 'lwc';
import ExternalZoomMeetings from 'c/externalZoomMeetings';
import ZoomSettings from 'c/zoomSettings';
import ZoomMeeting from 'c/zoomMeeting';
import ZoomInstantMeeting from 'c/zoomInstantMeeting';
import ZoomEmailComposer from 'c/zoomEmailComposer';
import { CLOSE_ACTION_SCREEN_EVENT_NAME } from 'lightning/actions';
import { callApex } from './apex.js';

/** Lightning path → the component the org shows there. */
const PAGES = [
  { path: /^\/lightning\/n\/External_Zoom_Meetings\/?$/, tag: 'c-external-zoom-meetings', is: ExternalZoomMeetings },
  { path: /^\/lightning\/n\/Zoom_Settings\/?$/, tag: 'c-zoom-settings', is: ZoomSettings },
  // A record page: the component gets the record's Id, as on the Lightning record page.
  { path: /^\/lightning\/r\/Event\/(\w+)\/view\/?$/, tag: 'c-zoom-meeting', is: ZoomMeeting },
  // The composer "Start Zoom Meeting" opens: a URL-addressable component, its Event in c__eventId.
  { path: /^\/lightning\/cmp\/c__zoomEmailComposer\/?$/, tag: 'c-zoom-email-composer', is: ZoomEmailComposer },
];

/** Lead and Contact record pages: the record's name and its "Start Zoom Meeting" quick action. */
const PERSON_PAGE = /^\/lightning\/r\/(Contact|Lead)\/(\w+)\/view\/?$/;

function render() {
  const main = document.getElementById('main');
  const person = window.location.pathname.match(PERSON_PAGE);
  if (person) {
    renderPersonPage(main, person[1], person[2]);
    return;
  }
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

/**
 * The platform's record page, reduced to what the package adds to it: a header with the record's name and the
 * "Start Zoom Meeting" button, which opens the package's quick action in a dialog as Lightning does.
 */
function renderPersonPage(main, objectApiName, recordId) {
  const header = document.createElement('div');
  header.className = 'slds-page-header slds-grid slds-grid_align-spread';
  const title = document.createElement('h1');
  title.className = 'slds-page-header__title';
  title.textContent = objectApiName;
  const start = document.createElement('button');
  start.className = 'slds-button slds-button_neutral';
  start.textContent = 'Start Zoom Meeting';
  start.addEventListener('click', () => openQuickAction(recordId));
  header.append(title, start);
  main.appendChild(header);
  callApex('uiRecordApi.getRecord', { recordId, fields: ['Name'] }).then(
    (record) => {
      title.textContent = `${objectApiName}: ${record.fields.Name.value}`;
    },
    (error) => {
      title.textContent = error.body.message;
    },
  );
}

function openQuickAction(recordId) {
  const dialog = document.createElement('section');
  dialog.className = 'slds-modal slds-fade-in-open';
  dialog.setAttribute('role', 'dialog');
  dialog.setAttribute('aria-modal', 'true');
  dialog.setAttribute('aria-label', 'Start Zoom Meeting');
  const container = document.createElement('div');
  container.className = 'slds-modal__container';
  const action = createElement('c-zoom-instant-meeting', { is: ZoomInstantMeeting });
  action.recordId = recordId;
  container.appendChild(action);
  dialog.appendChild(container);
  const backdrop = document.createElement('div');
  backdrop.className = 'slds-backdrop slds-backdrop_open';
  action.addEventListener(CLOSE_ACTION_SCREEN_EVENT_NAME, () => {
    dialog.remove();
    backdrop.remove();
  });
  document.body.append(dialog, backdrop);
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
