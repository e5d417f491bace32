#!/usr/bin/env node
/**
 * Offline checks of the DX package, run by `npm test` (no org needed):
 *   1. metadata: every file under force-app resolves to a metadata component, and the whole package converts to
 *      a deployable metadata-format package (package.xml) with @salesforce/source-deploy-retrieve;
 *   2. apex: every class and trigger parses (@apexdevtools/apex-parser), and every class and trigger that is not a
 *      test is named by at least one @IsTest class (a cheap guard for the 75 % coverage gate);
 *   3. references: what one component names in another exists (fields in permission sets, layouts, report
 *      types and reports; report columns in their report type; classes, components, pages, tabs and triggers by
 *      name); and the Salesforce Classic path holds together: a detail-page button on Event, Lead and Contact
 *      opens a Visualforce page, each page hosts through the Lightning Out app only components that app declares,
 *      and the permission sets grant every page;
 *   4. subscriber: the platform-event subscriber runs as a named user, never the Automated Process user (which
 *      cannot use the Named Credential): its config's <user> is filled from ZOOM_SUBSCRIBER_USERNAME at deploy, and
 *      a deploy without that variable fails;
 *   5. analyzer: Salesforce Code Analyzer with its PMD engine (Java) reports no Critical or High violation.
 * Prints a JSON summary; exits 1 on the first failed section.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ComponentSet, ForceIgnore, MetadataConverter } from '@salesforce/source-deploy-retrieve';
import { ApexErrorListener, ApexParserFactory } from '@apexdevtools/apex-parser';
import { CodeAnalyzer, CodeAnalyzerConfig, SeverityLevel } from '@salesforce/code-analyzer-core';
import * as pmdEngine from '@salesforce/code-analyzer-pmd-engine';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE = join(ROOT, 'force-app');
const sections = process.argv.slice(2);
const wanted = (name) => sections.length === 0 || sections.includes(name);

/** Metadata types the product needs; a missing one means a part of the package got lost. */
const REQUIRED_TYPES = [
  'ApexClass',
  'ApexPage',
  'AuraDefinitionBundle',
  'ApexTrigger',
  'CustomField',
  'CustomObject',
  'CustomTab',
  'ExternalCredential',
  'Layout',
  'LightningComponentBundle',
  'ListView',
  'NamedCredential',
  'PermissionSet',
  'PlatformEventSubscriberConfig',
  'QuickAction',
  'Report',
  'ReportType',
  'StaticResource',
  'WebLink',
];

/** The objects whose Classic detail pages get a Zoom button (issue: Salesforce Classic). */
const CLASSIC_BUTTON_OBJECTS = ['Event', 'Lead', 'Contact'];

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

async function checkMetadata() {
  const components = ComponentSet.fromSource(SOURCE);
  // What .forceignore keeps out of the deploy (LWC tests) need not resolve.
  const forceIgnore = ForceIgnore.findAndCreate(SOURCE);
  const sourceFiles = walk(SOURCE).filter((f) => forceIgnore.accepts(f));
  const claimed = new Set();
  for (const component of components.getSourceComponents()) {
    for (const file of [component.xml, ...component.walkContent()].filter(Boolean)) claimed.add(file);
    for (const child of component.getChildren()) if (child.xml) claimed.add(child.xml);
  }
  const unresolved = sourceFiles.filter((f) => !claimed.has(f)).map((f) => relative(ROOT, f));
  if (unresolved.length) throw new Error(`files that resolve to no metadata component: ${unresolved.join(', ')}`);

  const output = mkdtempSync(join(tmpdir(), 'zoom-mdapi-'));
  try {
    await new MetadataConverter().convert(components, 'metadata', {
      type: 'directory',
      outputDirectory: output,
      genUniqueDir: false,
    });
    const manifest = readFileSync(join(output, 'package.xml'), 'utf8');
    const types = [...manifest.matchAll(/<name>([^<]+)<\/name>/g)].map((m) => m[1]);
    const missing = REQUIRED_TYPES.filter((t) => !types.includes(t));
    if (missing.length) throw new Error(`package.xml lacks ${missing.join(', ')}`);
    const counts = {};
    for (const component of components) counts[component.type.name] = (counts[component.type.name] ?? 0) + 1;
    return { components: components.size, files: sourceFiles.length, types: counts };
  } finally {
    rmSync(output, { recursive: true, force: true });
  }
}

class CollectingListener extends ApexErrorListener {
  errors = [];
  apexSyntaxError(line, column, message) {
    this.errors.push(`${line}:${column} ${message}`);
  }
}

function checkApex() {
  const sources = walk(SOURCE).filter((f) => f.endsWith('.cls') || f.endsWith('.trigger'));
  const problems = [];
  const tests = [];
  const units = [];
  for (const file of sources) {
    const source = readFileSync(file, 'utf8');
    const listener = new CollectingListener();
    const { parser } = ApexParserFactory.createLexerAndParser(source, listener);
    if (file.endsWith('.trigger')) parser.triggerUnit();
    else parser.compilationUnit();
    for (const error of listener.errors) problems.push(`${relative(ROOT, file)}:${error}`);
    const name = basename(file).replace(/\.(cls|trigger)$/, '');
    if (/@IsTest\b/i.test(source)) tests.push(source);
    else units.push({ name, trigger: file.endsWith('.trigger') });
  }
  if (problems.length) throw new Error(`Apex syntax errors:\n${problems.join('\n')}`);
  // A trigger is exercised by DML on its object; a class must be named by a test.
  const untested = units
    .filter((u) => !u.trigger)
    .filter((u) => !tests.some((test) => new RegExp(`\\b${u.name}\\b`).test(test)))
    .map((u) => u.name);
  if (untested.length) throw new Error(`Apex classes no test names: ${untested.join(', ')}`);
  return { files: sources.length, testClasses: tests.length };
}

const read = (path) => readFileSync(join(SOURCE, 'main/default', path), 'utf8');
const list = (dir, suffix) =>
  readdirSync(join(SOURCE, 'main/default', dir))
    .filter((f) => f.endsWith(suffix))
    .map((f) => f.slice(0, -suffix.length));
const tags = (xml, tag) => [...xml.matchAll(new RegExp(`<${tag}>([^<]*)</${tag}>`, 'g'))].map((m) => m[1]);

/** Standard Event fields and relationships the package's layout and report type name. */
const STANDARD_EVENT_FIELDS = new Set(
  'Subject Location StartDateTime EndDateTime IsAllDayEvent ShowAs OwnerId WhoId WhatId Type Description CreatedById LastModifiedById DurationInMinutes Owner Account Who What'.split(
    ' ',
  ),
);

/** Fields every custom object has. */
const SYSTEM_FIELDS = new Set([
  'Name',
  'OwnerId',
  'CreatedById',
  'CreatedDate',
  'LastModifiedById',
  'LastModifiedDate',
]);

function checkReferences() {
  const eventFields = new Set([...STANDARD_EVENT_FIELDS, ...list('objects/Activity/fields', '.field-meta.xml')]);
  const fieldsByObject = new Map();
  const objectFields = (object) => {
    if (!fieldsByObject.has(object))
      fieldsByObject.set(object, new Set(list(`objects/${object}/fields`, '.field-meta.xml')));
    return fieldsByObject.get(object);
  };
  const problems = [];
  const expectField = (where, qualified) => {
    const [object, field] = qualified.split('.');
    if (object !== 'Event' && SYSTEM_FIELDS.has(field)) return;
    const known = object === 'Event' ? eventFields : objectFields(object);
    if (!known.has(field)) problems.push(`${where}: unknown field ${qualified}`);
  };
  const classes = new Set(list('classes', '.cls'));
  const components = new Set(readdirSync(join(SOURCE, 'main/default/lwc')));
  const triggers = new Set(list('triggers', '.trigger'));

  for (const name of list('permissionsets', '.permissionset-meta.xml')) {
    const xml = read(`permissionsets/${name}.permissionset-meta.xml`);
    for (const field of tags(xml, 'field')) expectField(`permission set ${name}`, field);
    for (const apexClass of tags(xml, 'apexClass'))
      if (!classes.has(apexClass)) problems.push(`permission set ${name}: unknown class ${apexClass}`);
  }
  const quickActions = new Set(list('quickActions', '.quickAction-meta.xml'));
  for (const name of list('layouts', '.layout-meta.xml')) {
    const object = name.split('-')[0];
    const xml = read(`layouts/${name}.layout-meta.xml`);
    for (const field of tags(xml, 'field')) expectField(`layout ${name}`, `${object}.${field}`);
    for (const action of tags(xml, 'actionName').filter((a) => a.includes('.')))
      if (!quickActions.has(action)) problems.push(`layout ${name}: unknown quick action ${action}`);
  }
  const reportTypeColumns = {};
  for (const name of list('reportTypes', '.reportType-meta.xml')) {
    const xml = read(`reportTypes/${name}.reportType-meta.xml`);
    const base = tags(xml, 'baseObject')[0];
    reportTypeColumns[`${name}__c`] = new Set(tags(xml, 'field').map((f) => `${base}$${f}`));
    for (const field of tags(xml, 'field')) expectField(`report type ${name}`, `${base}.${field}`);
  }
  for (const folder of readdirSync(join(SOURCE, 'main/default/reports')).filter((f) => !f.endsWith('.xml'))) {
    for (const name of list(`reports/${folder}`, '.report-meta.xml')) {
      const xml = read(`reports/${folder}/${name}.report-meta.xml`);
      const columns = reportTypeColumns[tags(xml, 'reportType')[0]];
      if (!columns) {
        problems.push(`report ${name}: unknown report type ${tags(xml, 'reportType')[0]}`);
        continue;
      }
      for (const column of [...tags(xml, 'field'), ...tags(xml, 'column'), ...tags(xml, 'dateColumn')])
        if (!columns.has(column)) problems.push(`report ${name}: ${column} is not a column of its report type`);
    }
  }
  for (const name of list('quickActions', '.quickAction-meta.xml')) {
    for (const component of tags(read(`quickActions/${name}.quickAction-meta.xml`), 'lightningWebComponent'))
      if (!components.has(component)) problems.push(`quick action ${name}: unknown component ${component}`);
  }
  for (const name of list('platformEventSubscriberConfigs', '.platformEventSubscriberConfig-meta.xml')) {
    const xml = read(`platformEventSubscriberConfigs/${name}.platformEventSubscriberConfig-meta.xml`);
    for (const trigger of tags(xml, 'platformEventConsumer'))
      if (!triggers.has(trigger)) problems.push(`subscriber config ${name}: unknown trigger ${trigger}`);
  }
  problems.push(...checkClassic(components));
  if (problems.length) throw new Error(`broken references:\n${problems.join('\n')}`);
  return {
    checked:
      'permission sets, layouts, report types, reports, quick actions, subscriber configs, tabs, Classic buttons, Visualforce pages, Lightning Out app',
  };
}

/** Attribute values of `attribute` on `<tag ...>` elements. */
const attributes = (source, tag, attribute) =>
  [...source.matchAll(new RegExp(`<${tag}\\b[^>]*\\b${attribute}="([^"]*)"`, 'g'))].map((m) => m[1]);

/**
 * The Classic path: buttons → Visualforce pages → the Lightning Out app → the package's components, and the tabs and
 * permission sets that name pages and tabs.
 */
function checkClassic(components) {
  const problems = [];
  const pages = new Set(list('pages', '.page'));
  const tabs = new Set(list('tabs', '.tab-meta.xml'));
  const apps = new Map(
    readdirSync(join(SOURCE, 'main/default/aura'))
      .filter((name) => statSync(join(SOURCE, 'main/default/aura', name, `${name}.app`), { throwIfNoEntry: false }))
      .map((name) => [name, read(`aura/${name}/${name}.app`)]),
  );
  for (const [name, app] of apps) {
    if (!/<aura:application\b[^>]*\bextends="ltng:outApp"/.test(app))
      problems.push(`Lightning Out app ${name}: does not extend ltng:outApp`);
    for (const resource of attributes(app, 'aura:dependency', 'resource'))
      if (!components.has(resource.replace(/^c:/, ''))) problems.push(`app ${name}: unknown component ${resource}`);
  }
  for (const object of CLASSIC_BUTTON_OBJECTS) {
    const dir = `objects/${object}/webLinks`;
    const links = statSync(join(SOURCE, 'main/default', dir), { throwIfNoEntry: false })
      ? list(dir, '.webLink-meta.xml')
      : [];
    const buttons = links.map((name) => ({ name, xml: read(`${dir}/${name}.webLink-meta.xml`) }));
    if (!buttons.some(({ xml }) => tags(xml, 'displayType')[0] === 'button'))
      problems.push(`${object}: no Classic detail-page button (webLinks)`);
    for (const { name, xml } of buttons) {
      const url = tags(xml, 'url')[0] ?? '';
      const page = url.match(/^\/apex\/(\w+)\?id=\{!(\w+)\.Id\}$/);
      if (!page) problems.push(`button ${object}.${name}: url ${url} is not /apex/<Page>?id={!${object}.Id}`);
      else if (!pages.has(page[1])) problems.push(`button ${object}.${name}: unknown page ${page[1]}`);
      else if (page[2] !== object) problems.push(`button ${object}.${name}: merge field of ${page[2]}, not ${object}`);
    }
  }
  for (const name of pages) {
    const page = read(`pages/${name}.page`);
    const used = [...page.matchAll(/\$Lightning\.use\('c:(\w+)'/g)].map((m) => m[1]);
    const created = [...page.matchAll(/\$Lightning\.createComponent\(\s*'c:(\w+)'[\s\S]*?'(\w+)'\s*\)/g)];
    if (used.length !== 1 || created.length === 0) {
      problems.push(`page ${name}: hosts no component through one Lightning Out app`);
      continue;
    }
    const app = apps.get(used[0]);
    if (!app) problems.push(`page ${name}: unknown Lightning Out app ${used[0]}`);
    if (!page.includes('<apex:includeLightning')) problems.push(`page ${name}: lacks <apex:includeLightning />`);
    for (const [, component, container] of created) {
      if (!components.has(component)) problems.push(`page ${name}: unknown component ${component}`);
      else if (app && !attributes(app, 'aura:dependency', 'resource').includes(`c:${component}`))
        problems.push(`page ${name}: ${component} is not a dependency of ${used[0]}`);
      if (!attributes(page, 'div', 'id').includes(container))
        problems.push(`page ${name}: no element with id ${container} to render into`);
    }
  }
  for (const name of tabs) {
    const xml = read(`tabs/${name}.tab-meta.xml`);
    for (const page of tags(xml, 'page')) if (!pages.has(page)) problems.push(`tab ${name}: unknown page ${page}`);
    for (const component of tags(xml, 'lwcComponent'))
      if (!components.has(component)) problems.push(`tab ${name}: unknown component ${component}`);
  }
  for (const name of list('permissionsets', '.permissionset-meta.xml')) {
    const xml = read(`permissionsets/${name}.permissionset-meta.xml`);
    const granted = new Set(tags(xml, 'apexPage'));
    for (const page of granted) if (!pages.has(page)) problems.push(`permission set ${name}: unknown page ${page}`);
    for (const tab of tags(xml, 'tab')) if (!tabs.has(tab)) problems.push(`permission set ${name}: unknown tab ${tab}`);
    for (const page of pages)
      if (!granted.has(page)) problems.push(`permission set ${name}: does not grant the page ${page}`);
  }
  return problems;
}

/** The deploy-time variable that names the subscriber's running user (see sfdx-project.json "replacements"). */
const SUBSCRIBER_USER_ENV = 'ZOOM_SUBSCRIBER_USERNAME';

/** The package converted as `sf project deploy start` converts it (string replacements applied), or the error. */
async function convertForDeploy(env) {
  const saved = { apply: process.env.SF_APPLY_REPLACEMENTS_ON_CONVERT, user: process.env[SUBSCRIBER_USER_ENV] };
  const output = mkdtempSync(join(tmpdir(), 'zoom-deploy-'));
  process.env.SF_APPLY_REPLACEMENTS_ON_CONVERT = 'true';
  if (env.user === undefined) delete process.env[SUBSCRIBER_USER_ENV];
  else process.env[SUBSCRIBER_USER_ENV] = env.user;
  try {
    const components = ComponentSet.fromSource(SOURCE);
    components.projectDirectory = ROOT;
    await new MetadataConverter().convert(components, 'metadata', {
      type: 'directory',
      outputDirectory: output,
      genUniqueDir: false,
    });
    const dir = join(output, 'PlatformEventSubscriberConfigs');
    return Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  } finally {
    rmSync(output, { recursive: true, force: true });
    for (const [name, value] of [
      ['SF_APPLY_REPLACEMENTS_ON_CONVERT', saved.apply],
      [SUBSCRIBER_USER_ENV, saved.user],
    ]) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

/**
 * By default a platform-event trigger runs as the Automated Process user (Platform Events Developer Guide,
 * "Configure the User and Batch Size for Your Platform Event Trigger"), which cannot use the Named Credential, so
 * every callout would fail. PlatformEventSubscriberConfig's `user` (a username, Metadata API) names the running
 * user; the username is the org's, so the source holds a placeholder that the deploy replaces from the environment.
 */
async function checkSubscriberUser() {
  const configs = list('platformEventSubscriberConfigs', '.platformEventSubscriberConfig-meta.xml');
  const withoutUser = configs.filter(
    (name) =>
      tags(read(`platformEventSubscriberConfigs/${name}.platformEventSubscriberConfig-meta.xml`), 'user')[0] !==
      SUBSCRIBER_USER_ENV,
  );
  if (withoutUser.length)
    throw new Error(
      `subscriber configs that would run as Automated Process: ${withoutUser.join(', ')} (no <user>${SUBSCRIBER_USER_ENV}</user>)`,
    );
  const unset = await convertForDeploy({});
  if (!unset.error?.includes(SUBSCRIBER_USER_ENV))
    throw new Error(`a deploy without ${SUBSCRIBER_USER_ENV} does not fail: the subscriber would run as nobody named`);
  const sample = 'zoom.integration@example.com';
  const set = await convertForDeploy({ user: sample });
  if (set.error) throw new Error(`the deploy conversion failed: ${set.error}`);
  const converted = Object.values(set).filter((xml) => tags(xml, 'user')[0] === sample);
  if (converted.length !== configs.length)
    throw new Error(`${SUBSCRIBER_USER_ENV} does not reach every subscriber config's <user>`);
  return { configs: configs.length, runningUserFrom: SUBSCRIBER_USER_ENV, deployWithoutItFails: true };
}

async function analyze() {
  const analyzer = new CodeAnalyzer(CodeAnalyzerConfig.withDefaults());
  await analyzer.addEnginePlugin(pmdEngine.createEnginePlugin());
  const workspace = await analyzer.createWorkspace([SOURCE]);
  const rules = await analyzer.selectRules(['pmd:Recommended'], { workspace });
  const results = await analyzer.run(rules, { workspace });
  const violations = results.getViolations().map((v) => ({
    rule: v.getRule().getName(),
    severity: v.getRule().getSeverityLevel(),
    file: relative(ROOT, v.getPrimaryLocation().getFile() ?? ''),
    line: v.getPrimaryLocation().getStartLine(),
    message: v.getMessage(),
  }));
  const bySeverity = {};
  for (const v of violations) bySeverity[SeverityLevel[v.severity]] = (bySeverity[SeverityLevel[v.severity]] ?? 0) + 1;
  const blocking = violations.filter((v) => v.severity <= SeverityLevel.High);
  if (blocking.length) {
    throw new Error(
      `Code Analyzer found ${blocking.length} Critical/High violations:\n` +
        blocking.map((v) => `${v.file}:${v.line} ${v.rule} (${SeverityLevel[v.severity]}): ${v.message}`).join('\n'),
    );
  }
  // Moderate ones are listed to be read; Low ones (mostly ApexDoc) are only counted.
  const moderate = violations
    .filter((v) => v.severity === SeverityLevel.Moderate)
    .map((v) => `${v.file}:${v.line} ${v.rule}: ${v.message}`);
  return { rules: rules.getCount(), violations: violations.length, bySeverity, moderate };
}

const summary = {};
try {
  if (wanted('metadata')) summary.metadata = await checkMetadata();
  if (wanted('apex')) summary.apex = checkApex();
  if (wanted('references')) summary.references = checkReferences();
  if (wanted('subscriber')) summary.subscriber = await checkSubscriberUser();
  if (wanted('analyzer')) summary.analyzer = await analyze();
  console.log(JSON.stringify(summary, null, 2));
} catch (error) {
  console.log(JSON.stringify(summary, null, 2));
  console.error(`check-package: ${error.message}`);
  process.exit(1);
}
