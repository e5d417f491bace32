// lightning/platformShowToastEvent stand-in: the event the platform turns into a toast; the preview's page shows it.
export class ShowToastEvent extends CustomEvent {
  constructor(toast) {
    super('lightning__showtoast', { bubbles: true, composed: true, cancelable: true, detail: toast });
  }
}
