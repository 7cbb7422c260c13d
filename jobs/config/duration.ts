/** Durations as users write them in the config: '500ms', '5s', '10m', '1h', '1d', or combined ('1h30m'). */

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000 };

// 'ms' and 'min' come before 'm' so the alternation takes the longest unit.
const PART = /\s*(\d+(?:\.\d+)?)\s*(ms|min|s|m|h|d)\s*/iy;

/** Parse a duration such as '500ms', '5s', '10m', '1h', '1d' or '1h30m' into whole milliseconds; throws a RangeError otherwise. */
export function parseDuration(text: string): number {
  let ms = 0;
  let parts = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < text.length) {
    const m = PART.exec(text);
    if (m === null) {
      parts = 0;
      break;
    }
    ms += Number(m[1]) * UNIT_MS[m[2]!.toLowerCase()]!;
    parts++;
  }
  if (parts === 0) {
    throw new RangeError(`invalid duration '${text}': expected a number and a unit (ms, s, m, h or d), e.g. '500ms', '5s', '10m', '1h', '1d'`);
  }
  return Math.round(ms);
}
