/** Byte sizes as users write them: 32MB, 512KB, 1GiB, or a plain number of bytes. */

const UNITS: Record<string, number> = {
  B: 1, K: 1024, KB: 1024, KIB: 1024, M: 1024 ** 2, MB: 1024 ** 2, MIB: 1024 ** 2, G: 1024 ** 3, GB: 1024 ** 3, GIB: 1024 ** 3,
};

/** Parse a size into bytes; KB/MB/GB are binary (1 MB = 1 MiB), as Hadoop and Spark read them. */
export function parseSize(value: string | number): number {
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value <= 0) throw new Error(`invalid size ${value}: expected a positive whole number of bytes`);
    return value;
  }
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(value);
  const unit = m ? UNITS[m[2]!.toUpperCase() || 'B'] : undefined;
  if (!m || unit === undefined) throw new Error(`invalid size '${value}': expected a number with an optional unit B, KB, MB, GB (e.g. "32MB")`);
  const bytes = Math.round(Number(m[1]) * unit);
  if (bytes <= 0) throw new Error(`invalid size '${value}': must be at least one byte`);
  return bytes;
}
