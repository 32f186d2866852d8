// A microphone level in dBFS → a 0…1 meter position. Decibels, not RMS: speech sits around −30…−15 dBFS and
// would barely move a linear meter.

/** The quietest level the meter shows above zero. */
export const METER_FLOOR_DBFS = -60;

export function levelFraction(dbfs: number): number {
  if (Number.isNaN(dbfs)) throw new RangeError('a level in dBFS must be a number (got NaN)');
  if (dbfs <= METER_FLOOR_DBFS) return 0; // also digital silence, -Infinity
  return Math.min(1, (dbfs - METER_FLOOR_DBFS) / -METER_FLOOR_DBFS);
}
