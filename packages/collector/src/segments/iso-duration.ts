const PATTERN = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/**
 * An ISO 8601 duration in seconds, or undefined when it is not one this API takes: weeks,
 * days, hours, minutes and seconds (`P7D`, `PT1H`, `P1DT12H`, `PT90S`). Years and months have
 * no fixed length, so they are refused rather than guessed.
 *
 * @example
 * parseIsoDuration('P7D') // 604800
 * parseIsoDuration('7 days') // undefined
 */
export function parseIsoDuration(text: string): number | undefined {
  const match = PATTERN.exec(text);
  if (!match || text === 'P' || text.endsWith('T')) return undefined;
  const [, weeks, days, hours, minutes, seconds] = match;
  const total =
    Number(weeks ?? 0) * 604800 + Number(days ?? 0) * 86400 + Number(hours ?? 0) * 3600 + Number(minutes ?? 0) * 60 + Number(seconds ?? 0);
  return Number.isFinite(total) ? total : undefined;
}
