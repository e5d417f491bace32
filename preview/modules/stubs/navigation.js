// lightning/navigation stand-in: the package's build of it needs the platform's force/navigation. Navigating to a
// record opens Lightning's path for it, which the preview serves.
const Navigate = Symbol('Navigate');
const GenerateUrl = Symbol('GenerateUrl');

function urlOf(pageReference) {
  const { type, attributes = {} } = pageReference ?? {};
  if (type === 'standard__recordPage') {
    return `/lightning/r/${attributes.objectApiName ?? 'Event'}/${attributes.recordId}/${attributes.actionName ?? 'view'}`;
  }
  if (type === 'standard__navItemPage') return `/lightning/n/${attributes.apiName}`;
  return '/';
}

export const NavigationMixin = (Base) =>
  class extends Base {
    [Navigate](pageReference) {
      window.location.assign(urlOf(pageReference));
    }
    [GenerateUrl](pageReference) {
      return Promise.resolve(urlOf(pageReference));
    }
  };
NavigationMixin.Navigate = Navigate;
NavigationMixin.GenerateUrl = GenerateUrl;

export function CurrentPageReference(dataCallback) {
  this.connect = () => dataCallback({ type: 'standard__webPage', attributes: { url: window.location.href } });
  this.disconnect = () => {};
  this.update = () => {};
}
