import { type ErrorExplanation, explain } from './aadsts.catalogue';
import { type Finding, FindingStatus } from './findings';
import type { DoctorReport } from './run-doctor';

const MARK: Readonly<Record<FindingStatus, string>> = { pass: '✔', fail: '✘', warn: '!', skip: '-' };
const WIDTH = 28;

/** The report in plain words: one line per finding, the fix under each fault, a summary line. */
export function renderText(report: DoctorReport): string {
  const lines: string[] = [];
  lines.push(
    `doctor: ${report.mode ?? 'real tenant'} chain${report.registrations ? ` (registrations ${report.registrations})` : ''}`,
  );
  for (const app of report.apps) lines.push(`  ${app.name}: ${app.source}`);
  let section: string | undefined = '';
  for (const f of report.findings) {
    if (f.app !== section) {
      section = f.app;
      lines.push('', f.app ?? 'chain');
    }
    lines.push(...findingLines(f));
  }
  const { pass, fail, warn, skip } = report.summary;
  lines.push(
    '',
    `${pass} passed, ${fail} failed, ${warn} warnings, ${skip} not checked${report.ok ? '' : ' — fix the ✘ lines above'}`,
  );
  return `${lines.join('\n')}\n`;
}

function findingLines(f: Finding): string[] {
  const label = `${f.check}${f.subject ? ` ${f.subject}` : ''}`;
  const lines = [`  ${MARK[f.status]} ${label.padEnd(WIDTH)} ${f.message}`];
  const indent = ' '.repeat(WIDTH + 5);
  if (f.fix !== undefined && f.status !== FindingStatus.Pass) lines.push(`${indent}fix: ${f.fix}`);
  if (f.code !== undefined)
    lines.push(`${indent}at run time: ${f.code} (npm run doctor -- explain ${f.code})`);
  return lines;
}

/** The report as JSON; each finding with a known error code carries its explanation. */
export function renderJson(report: DoctorReport): string {
  const findings = report.findings.map((f) => {
    const explanation = f.code === undefined ? undefined : explain(f.code);
    return explanation === undefined
      ? f
      : { ...f, explanation: { cause: explanation.cause, fix: explanation.fix } };
  });
  return `${JSON.stringify({ ...report, findings }, null, 2)}\n`;
}

/** `doctor explain <code>` in plain words. */
export function renderExplanation(e: ErrorExplanation): string {
  return [
    `${e.code} — ${e.title}`,
    '',
    `Cause: ${e.cause}`,
    '',
    `Fix: ${e.fix}`,
    ...(e.doctorCheck === undefined
      ? []
      : ['', `doctor checks this before run time: ${e.doctorCheck} (npm run doctor)`]),
    '',
  ].join('\n');
}
