/**
 * Turns one collector JSON log line into a line a person reads while clicking through the
 * example site; `undefined` for lines not worth showing there (the raw JSON stays the
 * collector's real interface, for log shippers).
 *
 * @param {import('./collector-process.mjs').LogLine} line
 * @returns {string | undefined}
 * @example
 * formatLogLine({ msg: 'batch', source: 'default', accepted: 2, duplicates: 0, rejected: 0 });
 * // 'stored 2 events from default (0 duplicates)'
 */
export function formatLogLine(line) {
  if (line.msg === 'batch') {
    const accepted = Number(line.accepted ?? 0);
    const rejected = Number(line.rejected ?? 0);
    let out = `stored ${accepted} ${accepted === 1 ? 'event' : 'events'} from ${String(line.source ?? '?')}`;
    out += ` (${Number(line.duplicates ?? 0)} duplicates`;
    if (rejected > 0) out += `, ${rejected} rejected: see the quarantine table`;
    return `${out})`;
  }
  if (line.msg === 'ready') return undefined;
  if (line.text) return `collector: ${String(line.msg)}`;
  if (line.level === 'warn' || line.level === 'error') {
    const { time: _time, level, msg, text: _text, error, ...rest } = line;
    // The stack is for the JSON log; a person at the terminal needs the message.
    const reason = error && typeof error === 'object' && 'message' in error ? `: ${String(error.message)}` : '';
    const extra = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : '';
    return `${level}: ${String(msg)}${reason}${extra}`;
  }
  return undefined;
}
