/**
 * `MEETING_WORKFLOW_PATCHES` must name every patch the meeting workflow can reach: the ended sync decides them all
 * before its local write, and one missing would be decided for the first time right after a local activity, which
 * a replay can misplace (README, "Upgrading workflows"). A new `patched()` call fails this test until it is listed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MEETING_WORKFLOW_PATCHES } from '../../workflows/meeting-patches';

/** The meeting workflow's modules that take patch decisions. */
const MODULES = [
  'meeting.ts',
  'meeting-callouts.ts',
  'meeting-live.ts',
  'meeting-effects.ts',
  'meeting-patches.ts',
  'calendar-sync.ts',
  'hot-path.ts',
];

function patchIdsIn(file: string): string[] {
  const source = readFileSync(join(__dirname, '../../workflows', file), 'utf8');
  const names = [...source.matchAll(/patched\(([A-Z_]+)\)/g)].map((m) => m[1]);
  const modules = MODULES.map((f) => readFileSync(join(__dirname, '../../workflows', f), 'utf8')).join('\n');
  return names.map((name) => {
    const value = new RegExp(`const ${name} = '([^']+)'`).exec(modules)?.[1];
    if (!value) throw new Error(`${file}: no value found for ${name}`);
    return value;
  });
}

test('every patch of the meeting workflow is decided before the ended sync’s local write', () => {
  const reached = new Set(MODULES.flatMap(patchIdsIn));
  expect(reached.size).toBeGreaterThan(10);
  expect([...reached].filter((id) => !(MEETING_WORKFLOW_PATCHES as readonly string[]).includes(id))).toEqual([]);
});

test('every module of the meeting workflow that takes patch decisions is checked above', () => {
  const deciding = readdirSync(join(__dirname, '../../workflows')).filter(
    (file) =>
      file.startsWith('meeting') && /patched\(/.test(readFileSync(join(__dirname, '../../workflows', file), 'utf8')),
  );
  expect(deciding.filter((file) => !MODULES.includes(file))).toEqual([]);
});
