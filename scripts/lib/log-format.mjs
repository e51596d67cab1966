// Prints a child's output with its name in front; pino JSON lines are shortened to time, level and message.
const COLOURS = [36, 32, 33, 35, 34, 96, 92, 93];
const LEVELS = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

/** A line printer for one app: `[bff] 12:00:01 info  request completed GET /api/me 200`. */
export function linePrinter(name, index, width) {
  const colour = process.stdout.isTTY ? COLOURS[index % COLOURS.length] : undefined;
  const label = `[${name}]`.padEnd(width + 2);
  const prefix = colour ? `\u001b[${colour}m${label}\u001b[0m` : label;
  return (line) => process.stdout.write(`${prefix} ${compact(line)}\n`);
}

/** Only well-known, non-sensitive fields of a pino record are printed (the apps redact secrets already). */
function compact(line) {
  if (!line.startsWith('{')) return line;
  try {
    const r = JSON.parse(line);
    const time = new Date(typeof r.time === 'number' ? r.time : Date.now()).toISOString().slice(11, 19);
    const level = (LEVELS[r.level] ?? String(r.level ?? '')).padEnd(5);
    const req = r.req && typeof r.req === 'object' ? ` ${r.req.method ?? ''} ${r.req.url ?? ''}` : '';
    const res = r.res && typeof r.res === 'object' && r.res.statusCode ? ` ${r.res.statusCode}` : '';
    const url = typeof r.url === 'string' ? ` ${r.url}` : '';
    const err = r.err && typeof r.err === 'object' && r.err.message ? ` — ${r.err.message}` : '';
    return `${time} ${level} ${r.msg ?? ''}${url}${req}${res}${err}`;
  } catch {
    return line;
  }
}
