// lightning-quick-action-panel stand-in (the platform's, not in lightning-base-components): a modal's header, body
// and footer, as the record page's action dialog shows a screen quick action.
import { LightningElement, api } from 'lwc';

export default class QuickActionPanel extends LightningElement {
  @api header;
}
