/**
 * RFC 3339 times as CometBFT writes them (Go's RFC3339Nano: up to nine
 * fraction digits, trailing zeros dropped, `Z` for UTC) <-> protobuf
 * Timestamps. Exact to the nanosecond, unlike Date, and valid for every year
 * from 0001 to 9999 (Go's zero time, 0001-01-01T00:00:00Z, marks absent votes).
 */
import type { CometTime } from "./types.js";

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:(Z)|([+-])(\d{2}):(\d{2}))$/;
const SECONDS_PER_DAY = 86_400;

// Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil).
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

// The inverse of daysFromCivil.
function civilFromDays(days: number): [number, number, number] {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (month <= 2 ? 1 : 0), month, day];
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Parses an RFC 3339 time; undefined when `s` is not one (or names a day that does not exist). */
export function parseCometTime(s: string): CometTime | undefined {
  const m = RFC3339.exec(s);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let offset = 0;
  if (m[8] === undefined) {
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (oh > 23 || om > 59) return undefined;
    offset = (oh * 60 + om) * 60 * (m[9] === "-" ? -1 : 1);
  }
  const nanos = m[7] === undefined ? 0 : Number(m[7].padEnd(9, "0"));
  const seconds = daysFromCivil(year, month, day) * SECONDS_PER_DAY + hour * 3600 + minute * 60 + second - offset;
  return { seconds: BigInt(seconds), nanos };
}

/** Formats a time as Go's RFC3339Nano in UTC, e.g. `2025-01-02T03:04:05.1234Z`. */
export function formatCometTime(t: CometTime): string {
  const total = Number(t.seconds);
  const days = Math.floor(total / SECONDS_PER_DAY);
  const rest = total - days * SECONDS_PER_DAY;
  const [year, month, day] = civilFromDays(days);
  const p2 = (n: number) => String(n).padStart(2, "0");
  const frac = t.nanos === 0 ? "" : `.${String(t.nanos).padStart(9, "0").replace(/0+$/, "")}`;
  return (
    `${String(year).padStart(4, "0")}-${p2(month)}-${p2(day)}T` +
    `${p2(Math.floor(rest / 3600))}:${p2(Math.floor(rest / 60) % 60)}:${p2(rest % 60)}${frac}Z`
  );
}
