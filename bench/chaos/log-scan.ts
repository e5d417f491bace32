import { type LogCapture } from './log-capture';

/**
 * What must never be in a log line: e-mail addresses, start URLs (the host's key, `zak=`), bearer tokens (Zoom's,
 * Salesforce's), the configured secrets, and the meetings' passcodes and host keys as issued by the emulator.
 */
const PATTERNS: Record<string, RegExp> = {
  'e-mail address': /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/,
  'start URL': /zak=|\/s\/\d{9,}/,
  'bearer token': /\b(Bearer|OAuth)\s+[A-Za-z0-9._~+/!-]{16,}/i,
  'Salesforce token': /\b00D[A-Za-z0-9]{12}![A-Za-z0-9._-]{16,}|\b5Aep8[A-Za-z0-9._-]{20,}/,
};

export interface LogFinding {
  source: string;
  kind: string;
  /** The line with the finding masked, so the report itself leaks nothing. */
  excerpt: string;
}

const mask = (line: string, found: string) => line.replace(found, '*'.repeat(Math.min(found.length, 12))).slice(0, 300);
const escape = (value: string) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Every captured line holding a secret or an address; `secrets` maps a kind to the literal values to look for. */
export function scanLogs(logs: LogCapture, secrets: Record<string, Iterable<string>>): LogFinding[] {
  const literal = Object.entries(secrets).map(([kind, values]) => {
    const list = [...new Set(values)].filter((v) => v.length >= 6).map(escape);
    return [kind, list.length > 0 ? new RegExp(`(?<![A-Za-z0-9])(${list.join('|')})(?![A-Za-z0-9])`) : null] as const;
  });
  const findings: LogFinding[] = [];
  for (const { source, line } of logs.lines) {
    for (const [kind, pattern] of [...Object.entries(PATTERNS), ...literal]) {
      const found = pattern?.exec(line);
      if (found) findings.push({ source, kind, excerpt: mask(line, found[0]) });
    }
  }
  return findings;
}
