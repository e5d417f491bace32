// lightning/actions stand-in: the event a screen quick action dispatches to close itself; the preview's record page
// closes the action's dialog on it.
export const CLOSE_ACTION_SCREEN_EVENT_NAME = 'lightning__actionsclosescreen';

export class CloseActionScreenEvent extends CustomEvent {
  constructor() {
    super(CLOSE_ACTION_SCREEN_EVENT_NAME, { bubbles: false, composed: false });
  }
}
