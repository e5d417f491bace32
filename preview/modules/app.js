// The preview's page: Lightning's own paths, each rendering the package's component for it with the real LWC engine.
import '@lwc/synthetic-shadow';
import { createElement } from 'lwc';
import ExternalZoomMeetings from 'c/externalZoomMeetings';
import ZoomSettings from 'c/zoomSettings';

/** Lightning path → the component the org shows there. */
const PAGES = [
  { path: /^\/lightning\/n\/External_Zoom_Meetings\/?$/, tag: 'c-external-zoom-meetings', is: ExternalZoomMeetings },
  { path: /^\/lightning\/n\/Zoom_Settings\/?$/, tag: 'c-zoom-settings', is: ZoomSettings },
];

function render() {
  const main = document.getElementById('main');
  const page = PAGES.find((p) => p.path.test(window.location.pathname));
  if (!page) {
    main.textContent = 'This page is not part of the preview.';
    return;
  }
  main.appendChild(createElement(page.tag, { is: page.is }));
}

render();
