/**
 * Compiles the preview's bundle, run as its own process by `preview/build.ts` (the LWC compiler is an ES module, and
 * compiling takes a core for 20 to 40 s): `node --import tsx preview/compile.ts <output file>`.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import lwc from '@lwc/rollup-plugin';
import replace from '@rollup/plugin-replace';
import { rollup, type Plugin } from 'rollup';

const PROJECT_ROOT = join(__dirname, '..');
const LWC_DIR = join(PROJECT_ROOT, 'salesforce/force-app/main/default/lwc');
const MODULES_DIR = join(__dirname, 'modules');

const APEX_PREFIX = '@salesforce/apex/';
const VIRTUAL_APEX = '\0preview-apex:';
const SCHEMA_PREFIX = '@salesforce/schema/';
const I18N_PREFIX = '@salesforce/i18n/';
const VIRTUAL_SCALAR = '\0preview-scalar:';

/**
 * What `@salesforce/i18n/<name>` gives in the preview: the time zone is the user's Salesforce setting, which the
 * preview server puts in the page (`window.__PREVIEW_I18N__`, from User.TimeZoneSidKey in the org); the locale is
 * the browser's (the emulated org keeps no LocaleSidKey).
 */
const I18N_VALUES: Record<string, string> = {
  timeZone: "(window.__PREVIEW_I18N__ && window.__PREVIEW_I18N__.timeZone) || 'GMT'",
  locale: 'navigator.language',
  lang: 'navigator.language',
};

/**
 * `@salesforce/schema/Event.Field` → `{ objectApiName, fieldApiName }`, as the platform gives it; and
 * `@salesforce/i18n/<name>` → the browser's value.
 */
function scalarImports(): Plugin {
  return {
    name: 'preview-scalars',
    resolveId(source) {
      // Other i18n values (lightning-base-components' own) resolve as before.
      const known = source.startsWith(SCHEMA_PREFIX) || Object.hasOwn(I18N_VALUES, source.slice(I18N_PREFIX.length));
      return source.startsWith(SCHEMA_PREFIX) || (source.startsWith(I18N_PREFIX) && known)
        ? VIRTUAL_SCALAR + source
        : null;
    },
    load(id) {
      if (!id.startsWith(VIRTUAL_SCALAR)) return null;
      const source = id.slice(VIRTUAL_SCALAR.length);
      if (source.startsWith(I18N_PREFIX)) {
        return `export default ${I18N_VALUES[source.slice(I18N_PREFIX.length)]};`;
      }
      const [objectApiName, fieldApiName] = source.slice(SCHEMA_PREFIX.length).split('.');
      return `export default ${JSON.stringify(fieldApiName ? { objectApiName, fieldApiName } : { objectApiName })};`;
    },
  };
}

/** `import method from '@salesforce/apex/Class.method'` → a function calling the stand-in by that name. */
function apexImports(): Plugin {
  return {
    name: 'preview-apex',
    resolveId(source) {
      return source.startsWith(APEX_PREFIX) ? VIRTUAL_APEX + source.slice(APEX_PREFIX.length) : null;
    },
    load(id) {
      if (!id.startsWith(VIRTUAL_APEX)) return null;
      const name = JSON.stringify(id.slice(VIRTUAL_APEX.length));
      return `import { callApex } from ${JSON.stringify(join(MODULES_DIR, 'apex.js'))};\nexport default (params) => callApex(${name}, params);`;
    },
  };
}

/** The package's components as `c/<name>` (an SFDX tree has no namespace folder for a `{dir}` record). */
function packageComponents(): { name: string; path: string }[] {
  return readdirSync(LWC_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => ({ name: `c/${entry.name}`, path: join(LWC_DIR, entry.name, `${entry.name}.js`) }));
}

/** The package's pages for the browser, one script. */
async function compilePreview(): Promise<string> {
  const bundle = await rollup({
    input: join(MODULES_DIR, 'app.js'),
    onwarn: () => undefined, // lightning-base-components' own template warnings (keys, duplicate slots)
    plugins: [
      apexImports(),
      scalarImports(),
      replace({
        preventAssignment: true,
        values: { 'process.env.NODE_ENV': JSON.stringify('development'), 'import.meta.env.SSR': 'false' },
      }),
      lwc({
        rootDir: MODULES_DIR,
        modules: [
          // The project's engine, not the older one salesforce/node_modules holds for the jsdom tests: the engine
          // must be the compiler's version.
          ...['lwc', '@lwc/synthetic-shadow', '@lwc/wire-service'].map((name) => ({
            name,
            path: join(PROJECT_ROOT, 'node_modules', name === 'lwc' ? '@lwc/engine-dom' : name, 'dist/index.js'),
          })),
          { name: 'lightning/navigation', path: join(MODULES_DIR, 'stubs/navigation.js') },
          { name: 'lightning/uiRecordApi', path: join(MODULES_DIR, 'stubs/uiRecordApi.js') },
          { name: 'lightning/platformShowToastEvent', path: join(MODULES_DIR, 'stubs/platformShowToastEvent.js') },
          // The record page's action dialog: platform parts that lightning-base-components does not ship.
          { name: 'lightning/actions', path: join(MODULES_DIR, 'stubs/actions.js') },
          {
            name: 'lightning/quickActionPanel',
            path: join(MODULES_DIR, 'stubs/quickActionPanel/quickActionPanel.js'),
          },
          ...packageComponents(),
          { npm: 'lightning-base-components' },
        ],
        // lightning-base-components needs both (dynamic components; the combobox's element internals).
        enableDynamicComponents: true,
        enableSyntheticElementInternals: true,
        apiVersion: 62,
      } as Parameters<typeof lwc>[0]),
    ],
  });
  try {
    const { output } = await bundle.generate({ format: 'iife', inlineDynamicImports: true });
    return output[0].code;
  } finally {
    await bundle.close();
  }
}

const [output] = process.argv.slice(2);
compilePreview().then(
  (code) => writeFileSync(output, code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
