// lightning/navigation stand-in: the package's build of it needs the platform's force/navigation. Navigating to a
// record, a tab or a URL-addressable component opens Lightning's path for it, which the preview serves; the
// preview's own parameters (user, admin) go along.
const Navigate = Symbol('Navigate');
const GenerateUrl = Symbol('GenerateUrl');
const PREVIEW_PARAMS = ['user', 'admin'];

function withQuery(path, state = {}) {
  const query = new URLSearchParams();
  const current = new URLSearchParams(window.location.search);
  for (const name of PREVIEW_PARAMS) if (current.has(name)) query.set(name, current.get(name));
  for (const [name, value] of Object.entries(state)) query.set(name, value);
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

function urlOf(pageReference) {
  const { type, attributes = {}, state } = pageReference ?? {};
  if (type === 'standard__recordPage') {
    return withQuery(
      `/lightning/r/${attributes.objectApiName ?? 'Event'}/${attributes.recordId}/${attributes.actionName ?? 'view'}`,
    );
  }
  if (type === 'standard__navItemPage') return withQuery(`/lightning/n/${attributes.apiName}`);
  if (type === 'standard__component') return withQuery(`/lightning/cmp/${attributes.componentName}`, state);
  return '/';
}

/** The page's reference as Lightning gives it: a URL-addressable component's c__ parameters are its state. */
function currentPageReference() {
  const component = window.location.pathname.match(/^\/lightning\/cmp\/(\w+)/);
  if (!component) return { type: 'standard__webPage', attributes: { url: window.location.href } };
  const state = Object.fromEntries(
    [...new URLSearchParams(window.location.search)].filter(([name]) => name.startsWith('c__')),
  );
  return { type: 'standard__component', attributes: { componentName: component[1] }, state };
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
  this.connect = () => dataCallback(currentPageReference());
  this.disconnect = () => {};
  this.update = () => {};
}
